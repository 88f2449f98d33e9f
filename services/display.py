"""How values read on every page and message: times to the minute without the ISO "T", sentences ended once."""
from datetime import date, datetime

SENTENCE_ENDS = ("。", "！", "？", "!", "?", ".", "…")


def when(value, seconds=False):
    """"2026-11-27 11:09" from a datetime or a stored ISO text ("2026-11-27T11:09:33"); a date stays a date."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def sentence(text):
    """`text` ended by one full stop: "资料不全" → "资料不全。", "资料不全。" stays as it is."""
    text = (text or "").strip()
    return text if not text or text.endswith(SENTENCE_ENDS) else text + "。"
