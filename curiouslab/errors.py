"""The one domain error type. Services raise it; views turn it into a message, never a 500."""


class DomainError(Exception):
    """An action refused by a business rule. ``message`` is translated and shown to the user."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)
