"""Digital city-management cases (数字城管案卷): metrics that feed scheme parts."""
