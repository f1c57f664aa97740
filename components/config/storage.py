"""Node pool storage: ephemeral, persistent-claim, or JBOD of either.

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-JbodStorage-reference
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import ConfigModel
from .kubernetes import Quantity


class EphemeralStorage(ConfigModel):
    """An ``emptyDir`` volume: data is lost whenever a pod restarts. Only for development."""

    type: Literal["ephemeral"] = "ephemeral"
    id: int | None = Field(default=None, ge=0)
    size_limit: Quantity | None = None
    kraft_metadata: Literal["shared"] | None = None


class PersistentClaimStorage(ConfigModel):
    """A PersistentVolumeClaim per node."""

    type: Literal["persistent-claim"] = "persistent-claim"
    id: int | None = Field(default=None, ge=0)
    size: Quantity
    class_: str | None = Field(default=None, alias="class")
    delete_claim: bool = False
    selector: dict[str, str] | None = None
    volume_attributes_class: str | None = None
    kraft_metadata: Literal["shared"] | None = None


Volume = Annotated[EphemeralStorage | PersistentClaimStorage, Field(discriminator="type")]


class JbodStorage(ConfigModel):
    """Several volumes per node; exactly one may hold the KRaft metadata log."""

    type: Literal["jbod"] = "jbod"
    volumes: list[Volume] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_volumes(self) -> JbodStorage:
        ids = [volume.id for volume in self.volumes]
        if any(volume_id is None for volume_id in ids):
            raise ValueError("every JBOD volume needs an 'id' (0, 1, ...)")
        duplicates = sorted({i for i in ids if ids.count(i) > 1 and i is not None})
        if duplicates:
            raise ValueError(f"JBOD volume ids must be unique; repeated: {duplicates}")
        if sum(volume.kraft_metadata is not None for volume in self.volumes) > 1:
            raise ValueError("at most one JBOD volume may set kraftMetadata: shared")
        return self

    @property
    def persistent(self) -> bool:
        """Whether every volume survives pod restarts."""
        return all(isinstance(v, PersistentClaimStorage) for v in self.volumes)


Storage = Annotated[EphemeralStorage | PersistentClaimStorage | JbodStorage, Field(discriminator="type")]


def is_persistent(storage: EphemeralStorage | PersistentClaimStorage | JbodStorage) -> bool:
    """Whether the storage keeps data across pod restarts."""
    if isinstance(storage, JbodStorage):
        return storage.persistent
    return isinstance(storage, PersistentClaimStorage)
