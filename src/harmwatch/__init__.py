"""harmwatch: from conflict reports to a verified record of incidents and civilian harm."""

__version__ = "0.1.0"
