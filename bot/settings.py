"""Configuration from the environment (and an optional `.env` file)."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Hosts for which BOT_PUBLIC_BASE_URL may be plain http.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# What Telegram accepts as a webhook secret_token.
TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Settings whose value must never be written anywhere (logs, CLI output).
SECRET_FIELD_SUFFIXES = ("_token", "_secret", "_password")


class Settings(BaseSettings):
    """Every setting the operator can change; names are the operator contract."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    db_path: Path = Field(Path("data/bietphai.sqlite3"), alias="BOT_DB_PATH")
    database_url: str | None = Field(None, alias="BOT_DATABASE_URL")
    timezone: str = Field("Asia/Ho_Chi_Minh", alias="BOT_TIMEZONE")
    language: Literal["vi", "en"] = Field("vi", alias="BOT_LANGUAGE")
    backdate_days: int = Field(7, ge=0, le=60, alias="BOT_BACKDATE_DAYS")
    invite_ttl_days: int = Field(7, ge=1, le=90, alias="BOT_INVITE_TTL_DAYS")
    log_level: str = Field("INFO", alias="BOT_LOG_LEVEL")
    # The key invite codes are stored with (HMAC); unset: read or created in the key file.
    secret_key: SecretStr | None = Field(None, alias="BOT_SECRET_KEY")
    secret_key_file: Path | None = Field(None, alias="BOT_SECRET_KEY_FILE")
    log_format: Literal["text", "json"] = Field("text", alias="BOT_LOG_FORMAT")
    # A checked copy of the database every night (unset: no nightly backup).
    backup_dir: Path | None = Field(None, alias="BOT_BACKUP_DIR")
    backup_time: time = Field(time(2, 30), alias="BOT_BACKUP_TIME")
    backup_keep: int = Field(14, ge=1, le=3650, alias="BOT_BACKUP_KEEP")

    telegram_bot_token: str | None = Field(None, alias="TELEGRAM_BOT_TOKEN")
    telegram_bot_username: str | None = Field(None, alias="TELEGRAM_BOT_USERNAME")
    telegram_api_base_url: str = Field(
        "https://api.telegram.org/bot", alias="TELEGRAM_API_BASE_URL"
    )
    telegram_webhook_url: str | None = Field(None, alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: str | None = Field(None, alias="TELEGRAM_WEBHOOK_SECRET")
    telegram_webhook_listen: str = Field("127.0.0.1", alias="TELEGRAM_WEBHOOK_LISTEN")
    telegram_webhook_port: int = Field(8443, ge=1, le=65535, alias="TELEGRAM_WEBHOOK_PORT")
    telegram_poll_timeout: int = Field(30, ge=0, le=50, alias="TELEGRAM_POLL_TIMEOUT")
    telegram_max_messages_per_second: float = Field(
        30.0, gt=0, alias="TELEGRAM_MAX_MESSAGES_PER_SECOND"
    )

    telegram_parallel_sends: int = Field(8, ge=1, le=64, alias="TELEGRAM_PARALLEL_SENDS")
    telegram_outbox_messages_per_second: float = Field(
        25.0, gt=0, alias="TELEGRAM_OUTBOX_MESSAGES_PER_SECOND"
    )
    telegram_outbox_chat_interval: float = Field(
        1.0, ge=0, alias="TELEGRAM_OUTBOX_CHAT_INTERVAL_SECONDS"
    )
    outbox_max_attempts: int = Field(8, ge=1, le=100, alias="OUTBOX_MAX_ATTEMPTS")
    outbox_lease_seconds: float = Field(120.0, gt=0, alias="OUTBOX_LEASE_SECONDS")

    urgent_first_response_hours: float = Field(4, gt=0, alias="BOT_URGENT_FIRST_RESPONSE_HOURS")
    normal_first_response_days: int = Field(2, ge=1, alias="BOT_NORMAL_FIRST_RESPONSE_DAYS")
    urgent_resolution_days: int = Field(2, ge=1, alias="BOT_URGENT_RESOLUTION_DAYS")
    normal_resolution_days: int = Field(10, ge=1, alias="BOT_NORMAL_RESOLUTION_DAYS")

    reminder_first: time = Field(time(16, 30), alias="BOT_REMINDER_FIRST")
    reminder_follow_up: time = Field(time(20, 0), alias="BOT_REMINDER_FOLLOW_UP")
    daily_digest_time: time = Field(time(7, 30), alias="BOT_DAILY_DIGEST_TIME")
    weekly_digest_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = Field(
        "fri", alias="BOT_WEEKLY_DIGEST_DAY"
    )
    weekly_digest_time: time = Field(time(16, 0), alias="BOT_WEEKLY_DIGEST_TIME")
    escalation_every_minutes: int = Field(15, ge=1, le=60, alias="BOT_ESCALATION_EVERY_MINUTES")
    escalation_warning_minutes: int = Field(60, ge=0, alias="BOT_ESCALATION_WARNING_MINUTES")
    study_capacity_per_week: int = Field(5, ge=1, le=500, alias="BOT_STUDY_CAPACITY_PER_WEEK")
    study_place: str = Field("Sở Nội vụ", min_length=1, alias="BOT_STUDY_PLACE")
    visit_reminder_time: time = Field(time(15, 0), alias="BOT_VISIT_REMINDER_TIME")
    difficulty_addition_minutes: int = Field(
        10, ge=0, le=240, alias="BOT_DIFFICULTY_ADDITION_MINUTES"
    )
    console_files_dir: Path = Field(Path("console-files"), alias="BOT_CONSOLE_FILES_DIR")

    zalo_bot_token: str | None = Field(None, alias="ZALO_BOT_TOKEN")
    zalo_api_base_url: str = Field(
        "https://bot-api.zaloplatforms.com/bot", alias="ZALO_API_BASE_URL"
    )
    zalo_webhook_url: str | None = Field(None, alias="ZALO_WEBHOOK_URL")
    zalo_webhook_secret: str | None = Field(None, alias="ZALO_WEBHOOK_SECRET")
    zalo_webhook_listen: str = Field("127.0.0.1", alias="ZALO_WEBHOOK_LISTEN")
    zalo_webhook_port: int = Field(8444, ge=1, le=65535, alias="ZALO_WEBHOOK_PORT")
    zalo_poll_timeout: int = Field(30, ge=1, le=50, alias="ZALO_POLL_TIMEOUT")
    # Zalo publishes no rate limit and answers 429 "Quota exceeded": stay well below it.
    zalo_outbox_messages_per_second: float = Field(
        5.0, gt=0, alias="ZALO_OUTBOX_MESSAGES_PER_SECOND"
    )
    zalo_outbox_chat_interval: float = Field(1.5, ge=0, alias="ZALO_OUTBOX_CHAT_INTERVAL_SECONDS")
    zalo_outbox_quota_pause: float = Field(10.0, gt=0, alias="ZALO_OUTBOX_QUOTA_PAUSE_SECONDS")

    # Public address of the bot's small file server (the weekly chart as a link on Zalo).
    public_base_url: str | None = Field(None, alias="BOT_PUBLIC_BASE_URL")
    public_listen: str = Field("127.0.0.1", alias="BOT_PUBLIC_LISTEN")
    public_port: int = Field(8445, ge=1, le=65535, alias="BOT_PUBLIC_PORT")
    image_link_hours: int = Field(168, ge=1, le=2160, alias="BOT_IMAGE_LINK_HOURS")
    # The web dashboard (on when BOT_PUBLIC_BASE_URL is set): how long a browser session lasts
    # and the folder where photos fetched from the platforms are kept. Its tokens are hashed
    # with the server's secret key (BOT_SECRET_KEY).
    web_session_hours: int = Field(10, ge=1, le=24, alias="BOT_WEB_SESSION_HOURS")
    web_photo_dir: Path | None = Field(None, alias="BOT_WEB_PHOTO_DIR")

    # Reports in the state's document format (Nghị định 30/2020/NĐ-CP): who issues and signs.
    report_parent_body: str = Field(
        "UBND THÀNH PHỐ ĐÀ NẴNG", min_length=1, alias="BOT_REPORT_PARENT_BODY"
    )
    report_issuing_body: str = Field("SỞ NỘI VỤ", min_length=1, alias="BOT_REPORT_ISSUING_BODY")
    report_place: str = Field("Đà Nẵng", min_length=1, alias="BOT_REPORT_PLACE")
    report_number_suffix: str = Field("SNV", min_length=1, alias="BOT_REPORT_NUMBER_SUFFIX")
    report_signer_title: str = Field("GIÁM ĐỐC", min_length=1, alias="BOT_REPORT_SIGNER_TITLE")
    report_division_signer_title: str = Field(
        "TRƯỞNG PHÒNG", min_length=1, alias="BOT_REPORT_DIVISION_SIGNER_TITLE"
    )
    report_recipients: str = Field(
        "Lãnh đạo Sở;Lưu: VT", min_length=1, alias="BOT_REPORT_RECIPIENTS"
    )
    monthly_report_enabled: bool = Field(True, alias="BOT_MONTHLY_REPORT_ENABLED")
    monthly_report_time: time = Field(time(8, 0), alias="BOT_MONTHLY_REPORT_TIME")

    # The one HTTP server: webhooks, file links, /healthz, /readyz, /metrics, the dashboard.
    http_listen: str = Field("127.0.0.1", alias="BOT_HTTP_LISTEN")
    http_port: int = Field(8443, ge=1, le=65535, alias="BOT_HTTP_PORT")
    # Limits of the HTTP server against half-sent requests and floods of connections.
    http_max_connections: int = Field(100, ge=1, le=100_000, alias="BOT_HTTP_MAX_CONNECTIONS")
    http_header_timeout: float = Field(10.0, gt=0, le=300, alias="BOT_HTTP_HEADER_TIMEOUT_SECONDS")
    http_body_timeout: float = Field(30.0, gt=0, le=600, alias="BOT_HTTP_BODY_TIMEOUT_SECONDS")
    metrics_enabled: bool = Field(False, alias="BOT_METRICS_ENABLED")
    metrics_token: str | None = Field(None, alias="BOT_METRICS_TOKEN")

    # Files the bot makes (exports) live on disk, never in the database, for this many days.
    files_dir: Path | None = Field(None, alias="BOT_FILES_DIR")
    file_retention_days: int = Field(14, ge=1, le=3650, alias="BOT_FILE_RETENTION_DAYS")
    # An export being built is its worker's this long (renewed meanwhile); a worker that died is
    # replaced after it.
    export_lease_seconds: float = Field(120.0, ge=2, le=3600, alias="BOT_EXPORT_LEASE_SECONDS")
    # Processed update keys (redelivery checks) and delivered outbox payloads are pruned daily.
    update_retention_days: int = Field(30, ge=2, le=3650, alias="BOT_UPDATE_RETENTION_DAYS")
    outbox_retention_days: int = Field(7, ge=1, le=3650, alias="BOT_OUTBOX_RETENTION_DAYS")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"không có múi giờ '{value}', ví dụ Asia/Ho_Chi_Minh") from exc
        return value

    @field_validator(
        "telegram_bot_token",
        "telegram_bot_username",
        "telegram_webhook_url",
        "telegram_webhook_secret",
        "zalo_bot_token",
        "zalo_webhook_url",
        "zalo_webhook_secret",
        "public_base_url",
        "secret_key",
        "secret_key_file",
        "backup_dir",
        "web_photo_dir",
        "metrics_token",
        "files_dir",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # An empty line in .env ("TELEGRAM_BOT_TOKEN=") means "not configured".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("database_url")
    @classmethod
    def _postgresql_url(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        if not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("phải có dạng postgresql://người_dùng@máy:5432/tên_csdl")
        return value.strip()

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(
                f"phải là {', '.join(LOG_LEVELS[:-1])} hoặc {LOG_LEVELS[-1]} (đang đặt '{value}')"
            )
        return level

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret_chars(cls, value: str | None) -> str | None:
        # Telegram's setWebhook refuses anything else; the secret itself is never echoed.
        if value is not None and not TELEGRAM_SECRET.fullmatch(value):
            raise ValueError("phải dài 1–256 ký tự, chỉ gồm chữ A-Z, a-z, số 0-9, _ và -")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("phải dài ít nhất 32 ký tự ngẫu nhiên")
        return value

    @field_validator("zalo_webhook_secret")
    @classmethod
    def _zalo_secret_length(cls, value: str | None) -> str | None:
        # Zalo's setWebhook refuses a secret_token shorter than 8 or longer than 256 characters.
        if value is not None and not 8 <= len(value) <= 256:
            raise ValueError("phải dài từ 8 đến 256 ký tự")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError("đã đặt TELEGRAM_WEBHOOK_URL thì phải đặt TELEGRAM_WEBHOOK_SECRET")
        if self.zalo_webhook_url and not self.zalo_webhook_secret:
            raise ValueError("đã đặt ZALO_WEBHOOK_URL thì phải đặt ZALO_WEBHOOK_SECRET")
        # A webhook without its channel's token would be silently ignored.
        if self.telegram_webhook_url and not self.telegram_bot_token:
            raise ValueError("đã đặt TELEGRAM_WEBHOOK_URL thì phải đặt TELEGRAM_BOT_TOKEN")
        if self.zalo_webhook_url and not self.zalo_bot_token:
            raise ValueError("đã đặt ZALO_WEBHOOK_URL thì phải đặt ZALO_BOT_TOKEN")
        return self

    @model_validator(mode="after")
    def _reminders_in_order(self) -> Settings:
        if self.reminder_first >= self.reminder_follow_up:
            raise ValueError("BOT_REMINDER_FIRST phải sớm hơn BOT_REMINDER_FOLLOW_UP")
        return self

    def secrets(self) -> list[str]:
        """Every configured value that gives access: tokens, secrets, passwords inside URLs."""
        found = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
                name += "_secret"  # a SecretStr is a secret whatever its name
            if not isinstance(value, str) or not value:
                continue
            if name.endswith(SECRET_FIELD_SUFFIXES):
                found.append(value)
            elif "://" in value and urlparse(value).password:
                found.append(str(urlparse(value).password))
        return found

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)

    @property
    def telegram_webhook_path(self) -> str:
        """Path served by the Telegram webhook server (the path of the public URL)."""
        return webhook_path(self.telegram_webhook_url or "", "/telegram")

    @field_validator("public_base_url")
    @classmethod
    def _public_url_is_https(cls, value: str | None) -> str | None:
        # Links to files and the dashboard carry one-time tokens: never over plain http, except
        # on this machine (tests, a local try-out).
        if value is None:
            return value
        parsed = urlparse(value)
        local = parsed.scheme == "http" and parsed.hostname in LOCAL_HOSTS
        if (parsed.scheme != "https" and not local) or not parsed.hostname:
            raise ValueError(
                "BOT_PUBLIC_BASE_URL phải bắt đầu bằng https:// (http:// chỉ dùng cho localhost)"
            )
        return value.rstrip("/")

    @property
    def public_path(self) -> str:
        """Path prefix served by the file server (the path of BOT_PUBLIC_BASE_URL, no slash)."""
        return urlparse(self.public_base_url or "").path.rstrip("/")

    @property
    def files_folder(self) -> Path:
        """Where exports are kept: BOT_FILES_DIR, else `files/` beside the database."""
        return self.files_dir or self.db_path.parent / "files"

    def legacy_addresses(self) -> list[tuple[str, int, str]]:
        """Old per-server addresses the operator still sets: (listen, port, their settings).

        Before one server did everything, each webhook and the file server listened on its
        own port; a reverse proxy set up then keeps working because the one server also
        listens there.
        """
        pairs = (
            ("telegram_webhook_listen", "telegram_webhook_port", "TELEGRAM_WEBHOOK"),
            ("zalo_webhook_listen", "zalo_webhook_port", "ZALO_WEBHOOK"),
            ("public_listen", "public_port", "BOT_PUBLIC"),
        )
        found = []
        for listen, port, prefix in pairs:
            if {listen, port} & self.model_fields_set:
                found.append(
                    (getattr(self, listen), getattr(self, port), f"{prefix}_LISTEN / {prefix}_PORT")
                )
        return found

    @property
    def zalo_webhook_path(self) -> str:
        """Path served by the Zalo webhook server (the path of the public URL)."""
        return webhook_path(self.zalo_webhook_url or "", "/zalo")


def webhook_path(url: str, default: str) -> str:
    """The path part of a public webhook URL, as a reverse proxy forwards it."""
    path = urlparse(url).path
    return path if path and path != "/" else default
