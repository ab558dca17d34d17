"""The model's groups for ranks within a group (spec.yml) are the briefs' peer groups: a unit's
``rank_in_group`` from ``evaluate`` is its peer rank in the brief (雨湖区 among the 5 县市区, not
among 2 districts)."""
from __future__ import annotations

import reformlib as rl
from reformlib.briefs.peers import peer_ranks
from reformlib.data.schemas import CITY
from reformlib.i18n import PEER_GROUP_OF


def test_the_spec_groups_every_kind_as_the_briefs_do(demo):
    spec = rl.load_spec()
    kinds = {"district", "county", "county_city", "park"}
    assert kinds <= set(rl.load_data(None)["units"]["kind"])
    assert {k: spec.rank_groups[k] for k in kinds} == {k: PEER_GROUP_OF[k] for k in kinds}


def test_rank_in_group_is_the_briefs_peer_rank(demo):
    combined = rl.evaluate(rl.load_spec(), None, period="2017-12").combined
    peers = peer_ranks(combined, lang="zh")
    assert len(peers) >= 7 and peers.loc["430302", "peer_size"] == 5
    model = combined.loc[peers.index, "rank_in_group"].astype(int)
    assert model.to_dict() == peers["peer_rank"].astype(int).to_dict()
    assert CITY not in peers.index
