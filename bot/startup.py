"""Why `bietphai run` could not start, in one Vietnamese line naming the setting to check."""

from __future__ import annotations

from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError

from bot.channels.zalo_api import ZaloError
from bot.http.server import ListenError

UNAUTHORIZED = 401
# Errors that mean "the configuration or the network", said in one line.
STARTUP_ERRORS = (ZaloError, TelegramError, OSError)


class StartupError(Exception):
    """A channel or server that could not start; its message is the line to print."""


def startup_problem(service: object, exc: BaseException) -> str:
    """What went wrong when `service` started, and which setting to check."""
    if isinstance(exc, ZaloError):
        if exc.error_code == UNAUTHORIZED:
            return f"Zalo không nhận ZALO_BOT_TOKEN ({exc}); kiểm tra mã của bot"
        if exc.error_code == 0:
            return f"không kết nối được Zalo Bot API ở ZALO_API_BASE_URL ({exc.description})"
        return (
            f"Zalo Bot API từ chối ({exc}); kiểm tra ZALO_BOT_TOKEN, ZALO_WEBHOOK_URL, "
            "ZALO_WEBHOOK_SECRET"
        )
    if isinstance(exc, InvalidToken):
        return "Telegram không nhận TELEGRAM_BOT_TOKEN; kiểm tra mã lấy từ @BotFather"
    if isinstance(exc, BadRequest):
        return (
            f"Telegram Bot API từ chối ({exc.message}); kiểm tra TELEGRAM_WEBHOOK_URL, "
            "TELEGRAM_WEBHOOK_SECRET"
        )
    if isinstance(exc, NetworkError):
        return f"không kết nối được Telegram Bot API ở TELEGRAM_API_BASE_URL ({exc.message})"
    if isinstance(exc, TelegramError):
        return f"Telegram Bot API báo lỗi ({exc.message})"
    if isinstance(exc, ListenError):
        where = f"{exc.address.listen}:{exc.address.port}"
        return (
            f"không mở được cổng {where} ({exc.strerror or exc}); kiểm tra {exc.address.settings}"
        )
    return f"{type(service).__name__} không khởi động được ({exc})"
