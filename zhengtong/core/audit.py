"""The audit trail: append-only, hash-chained (SM3 by default, SHA-256 selectable).

`record()` is called by every operation inside its transaction. Each record's hash
covers its content and the previous record's hash, so editing or deleting any record
breaks the chain from there on; `verify_chain()` (and `manage.py verify_audit`) finds
the first bad record. Records younger than the retention period (≥ 180 days,
网络安全法 Art. 21, docs/conformance.md SEC-9) cannot be deleted.
"""

import datetime
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .access import Acting, Person
from .clientaddr import client_ip
from .middleware import current_request
from .models import AuditChainHead, AuditRecord

GENESIS = "0" * 64


def _digest(algorithm: str, data: bytes) -> str:
    if algorithm == "sm3":
        h = hashes.Hash(hashes.SM3())
        h.update(data)
        return h.finalize().hex()
    if algorithm == "sha256":
        return hashlib.sha256(data).hexdigest()
    raise ValueError(f"Unknown audit hash algorithm {algorithm!r}")


def _jsonable(value: object) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _content(rec: AuditRecord) -> bytes:
    at = rec.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    fields = [
        rec.seq,
        at,
        rec.actor_id,
        rec.actor_name,
        rec.on_behalf_of_id,
        rec.on_behalf_of_name,
        rec.unit_id,
        rec.ip,
        rec.action,
        rec.object_type,
        rec.object_id,
        rec.object_repr,
        rec.changes,
        rec.algorithm,
    ]
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def compute_hash(rec: AuditRecord) -> str:
    """The record's hash: H(previous hash || canonical JSON of its content)."""
    return _digest(rec.algorithm, rec.prev_hash.encode() + _content(rec))


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed."""
    keys = set(before) | set(after)
    return {
        k: [_jsonable(before.get(k)), _jsonable(after.get(k))]
        for k in sorted(keys)
        if before.get(k) != after.get(k)
    }


def _object_label(obj: object) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    meta = getattr(obj, "_meta", None)
    object_type = meta.label_lower if meta else type(obj).__name__
    return object_type, str(getattr(obj, "pk", "") or ""), str(obj)[:200]


def record(
    actor: Person | Acting | None,
    action: str,
    obj: object = None,
    *,
    changes: dict[str, Any] | None = None,
    unit: Any = None,
    on_behalf_of: Person | None = None,
    ip: str | None = None,
    object_type: str | None = None,
    object_id: object = None,
    object_repr: str | None = None,
) -> AuditRecord:
    """Append one audit record. Call inside the operation's transaction.

    `actor` is the signed-in person (or None for the system); `on_behalf_of` the
    delegator when acting under delegation (an `Acting` may be passed as `actor`).
    """
    person: Person = actor
    if isinstance(actor, Acting):
        on_behalf_of = on_behalf_of or actor.on_behalf_of
        person = actor.person
    request = current_request()
    if ip is None and request is not None:
        ip = client_ip(request)
    o_type, o_id, o_repr = _object_label(obj)
    algorithm = getattr(settings, "AUDIT_HASH_ALGORITHM", "sm3")
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head, _created = AuditChainHead.objects.get_or_create(pk=1)
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        rec = AuditRecord(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=person if getattr(person, "pk", None) else None,
            actor_name=(str(person) if getattr(person, "pk", None) else "system")[:150],
            on_behalf_of=on_behalf_of,
            on_behalf_of_name=str(on_behalf_of)[:150] if on_behalf_of else "",
            unit=unit,
            ip=ip,
            action=action,
            object_type=object_type or o_type,
            object_id=str(object_id if object_id is not None else o_id),
            object_repr=(object_repr or o_repr)[:200],
            changes=_jsonable(changes or {}),
            algorithm=algorithm,
            prev_hash=head.last_hash,
        )
        rec.hash = compute_hash(rec)
        rec.save()
        AuditChainHead.objects.filter(pk=1).update(last_seq=rec.seq, last_hash=rec.hash)
    return rec


@dataclass
class ChainProblem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"audit record #{self.seq}: {self.reason}"


def verify_chain(batch_size: int = 2000) -> ChainProblem | None:
    """Walk the whole chain; return the first ChainProblem, or None if intact.

    The first remaining record may follow purged ones (older than the retention
    period); its predecessor hash is then taken as given.
    """
    expected_seq = None
    prev_hash = None
    last = None
    qs = AuditRecord.objects.order_by("seq")
    for rec in qs.iterator(chunk_size=batch_size):
        if expected_seq is None:
            if rec.seq == 1 and rec.prev_hash != GENESIS:
                return ChainProblem(rec.seq, "first record does not start from the genesis hash")
            prev_hash = rec.prev_hash
        elif rec.seq != expected_seq:
            return ChainProblem(expected_seq, f"missing (next present is #{rec.seq})")
        if rec.prev_hash != prev_hash:
            return ChainProblem(rec.seq, "does not link to the previous record")
        if compute_hash(rec) != rec.hash:
            return ChainProblem(rec.seq, "content does not match its hash (altered)")
        prev_hash = rec.hash
        expected_seq = rec.seq + 1
        last = rec
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_seq:
        if last is None or head.last_seq != last.seq:
            return ChainProblem(head.last_seq, "the newest records are missing")
        if head.last_hash != last.hash:
            return ChainProblem(last.seq, "does not match the chain head")
    return None


def retention_cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)


def purge_queryset(queryset: QuerySet[AuditRecord]) -> tuple[int, dict[str, int]]:
    """Delete audit records, but only those older than the retention period, and only
    from the start of the chain (deleting from the middle would hide history)."""
    cutoff = retention_cutoff()
    if queryset.filter(at__gte=cutoff).exists():
        raise PermissionError(
            f"Audit records younger than {settings.AUDIT_RETENTION_DAYS} days cannot be deleted."
        )
    max_seq = queryset.order_by("-seq").values_list("seq", flat=True).first()
    if max_seq is None:
        return 0, {}
    if AuditRecord.objects.filter(seq__lt=max_seq).exclude(pk__in=queryset.values("pk")).exists():
        raise PermissionError("Audit records can only be purged from the oldest end of the chain.")
    return _delete_rows(queryset)


def _delete_rows(queryset: QuerySet[AuditRecord]) -> tuple[int, dict[str, int]]:
    """The plain delete that AuditQuerySet.delete overrides (used once checked)."""
    return QuerySet.delete(queryset)
