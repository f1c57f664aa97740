"""Node pool storage: ephemeral, persistent-claim, or JBOD of either.

Ref: https://strimzi.io/docs/operators/latest/configuring.html#type-JbodStorage-reference
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import ConfigModel
from .kubernetes import Quantity

_ID = "Volume number, unique within the node; required in a `jbod` volume list."
_KRAFT_METADATA = "`shared` keeps the KRaft metadata log on this volume too (at most one volume per node)."


class EphemeralStorage(ConfigModel):
    """An ``emptyDir`` volume: data is lost whenever a pod restarts. Only for development."""

    type: Literal["ephemeral"] = Field(default="ephemeral", description="Storage type: `ephemeral`.")
    id: int | None = Field(default=None, ge=0, description=_ID)
    size_limit: Quantity | None = Field(
        default=None, description="Most local disk the `emptyDir` volume may use, e.g. `5Gi`; unset: no limit."
    )
    kraft_metadata: Literal["shared"] | None = Field(default=None, description=_KRAFT_METADATA)


class PersistentClaimStorage(ConfigModel):
    """A PersistentVolumeClaim per node."""

    type: Literal["persistent-claim"] = Field(
        default="persistent-claim", description="Storage type: `persistent-claim`."
    )
    id: int | None = Field(default=None, ge=0, description=_ID)
    size: Quantity = Field(description="Size of each node's PersistentVolumeClaim, e.g. `100Gi`.")
    class_: str | None = Field(
        default=None, alias="class", description="StorageClass of the claims; unset: the cluster's default class."
    )
    delete_claim: bool = Field(
        default=False, description="Delete the claims, and the data, when a node or the whole cluster is deleted."
    )
    selector: dict[str, str] | None = Field(
        default=None, description="Labels that select the PersistentVolume each claim binds to."
    )
    volume_attributes_class: str | None = Field(
        default=None, description="VolumeAttributesClass of the claims, to change attributes such as IOPS in place."
    )
    kraft_metadata: Literal["shared"] | None = Field(default=None, description=_KRAFT_METADATA)


Volume = Annotated[EphemeralStorage | PersistentClaimStorage, Field(discriminator="type")]


class JbodStorage(ConfigModel):
    """Several volumes per node; at most one may also hold the KRaft metadata log."""

    type: Literal["jbod"] = Field(default="jbod", description="Storage type: `jbod`.")
    volumes: list[Volume] = Field(
        min_length=1,
        description="The disks of each node, `ephemeral` or `persistent-claim`, each with a unique `id`.",
    )

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
