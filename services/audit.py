"""The audit log: append-only, one row per action that matters."""
from models import AuditLog


def record(actor, action, target="", detail="", ip=""):
    return AuditLog.create(actor=actor, action=action, target=str(target)[:128], detail=detail, ip=ip or "")
