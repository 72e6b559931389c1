"""kaoping — 城市管理综合考评系统."""

__version__ = "0.1.0"
