"""wuyebot: the customer-service bot behind a property company's WeChat official account."""

__version__ = "0.1.0"
