"""Scores on our own blind phrasing sets (tests/nlu/data/PHRASINGS.md): utterances written by
sessions that never saw the grammars, labelled in the issue's schema. They measure how the
parser generalises to wordings nobody tuned it on; the floors sit under the measured scores
so a change that breaks a family of phrasings fails here, not in a user's kitchen."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.nlu import Parser
from skill.nlu.evaluate import evaluate

DATA = Path(__file__).parent / "data"

#: set -> metric -> floor (measured when set: see PHRASINGS.md)
FLOORS = {
    "phrasings_a.jsonl": {
        "intent_accuracy": 0.94,
        "none_precision": 0.92,
        "none_recall": 0.88,
        "slot_f1": 0.90,
    },
    "phrasings_b.jsonl": {
        "intent_accuracy": 0.93,
        "none_precision": 0.92,
        "none_recall": 0.90,
        "slot_f1": 0.86,
    },
    "phrasings_c.jsonl": {
        "intent_accuracy": 0.97,
        "none_precision": 0.97,
        "none_recall": 0.97,
        "slot_f1": 0.93,
    },
    "phrasings_d.jsonl": {
        "intent_accuracy": 0.94,
        "none_precision": 0.89,
        "none_recall": 0.93,
        "slot_f1": 0.89,
    },
    "phrasings_e.jsonl": {
        "intent_accuracy": 0.94,
        "none_precision": 0.91,
        "none_recall": 0.94,
        "slot_f1": 0.91,
    },
    "phrasings_f.jsonl": {
        "intent_accuracy": 0.885,
        "none_precision": 0.83,
        "none_recall": 0.88,
        "slot_f1": 0.82,
    },
    "phrasings_g.jsonl": {
        "intent_accuracy": 0.96,
        "none_precision": 0.91,
        "none_recall": 0.95,
        "slot_f1": 0.86,
    },
    "phrasings_h.jsonl": {
        "intent_accuracy": 0.98,
        "none_precision": 0.98,
        "none_recall": 0.98,
        "slot_f1": 0.92,
    },
    "phrasings_i.jsonl": {
        "intent_accuracy": 0.98,
        "none_precision": 0.98,
        "none_recall": 0.97,
        "slot_f1": 0.96,
    },
    "phrasings_j.jsonl": {
        "intent_accuracy": 0.96,
        "none_precision": 0.92,
        "none_recall": 0.97,
        "slot_f1": 0.90,
    },
    "phrasings_k.jsonl": {
        "intent_accuracy": 0.90,
        "none_precision": 0.85,
        "none_recall": 0.98,
        "slot_f1": 0.83,
    },
    "phrasings_m.jsonl": {
        "intent_accuracy": 0.90,
        "none_precision": 0.84,
        "none_recall": 0.95,
        "slot_f1": 0.84,
    },
    "phrasings_n.jsonl": {
        "intent_accuracy": 0.88,
        "none_precision": 0.84,
        "none_recall": 0.96,
        "slot_f1": 0.80,
    },
    "phrasings_l.jsonl": {
        "intent_accuracy": 0.96,
        "none_precision": 0.92,
        "none_recall": 0.97,
        "slot_f1": 0.88,
    },
    "phrasings_o.jsonl": {
        "intent_accuracy": 0.97,
        "none_precision": 0.96,
        "none_recall": 0.97,
        "slot_f1": 0.83,
    },
    "phrasings_p.jsonl": {
        "intent_accuracy": 0.95,
        "none_precision": 0.87,
        "none_recall": 0.98,
        "slot_f1": 0.85,
    },
    "phrasings_q.jsonl": {
        "intent_accuracy": 0.93,
        "none_precision": 0.93,
        "none_recall": 0.94,
        "slot_f1": 0.89,
    },
    "phrasings_r.jsonl": {
        "intent_accuracy": 0.94,
        "none_precision": 0.95,
        "none_recall": 0.96,
        "slot_f1": 0.86,
    },
    # eighth round: S, U, W, X tuning; T, V, Y, Z clean (PHRASINGS.md)
    "phrasings_s.jsonl": {
        "intent_accuracy": 0.89,
        "none_precision": 0.69,
        "none_recall": 0.98,
        "slot_f1": 0.83,
    },
    "phrasings_t.jsonl": {
        "intent_accuracy": 0.88,
        "none_precision": 0.69,
        "none_recall": 0.98,
        "slot_f1": 0.80,
    },
    "phrasings_u.jsonl": {
        "intent_accuracy": 0.88,
        "none_precision": 0.72,
        "none_recall": 0.91,
        "slot_f1": 0.79,
    },
    "phrasings_v.jsonl": {
        "intent_accuracy": 0.94,
        "none_precision": 0.90,
        "none_recall": 0.94,
        "slot_f1": 0.84,
    },
    "phrasings_w.jsonl": {
        "intent_accuracy": 0.88,
        "none_precision": 0.66,
        "none_recall": 0.98,
        "slot_f1": 0.81,
    },
    "phrasings_x.jsonl": {
        "intent_accuracy": 0.94,
        "none_precision": 0.97,
        "none_recall": 0.92,
        "slot_f1": 0.86,
    },
    "phrasings_y.jsonl": {
        "intent_accuracy": 0.90,
        "none_precision": 0.95,
        "none_recall": 0.86,
        "slot_f1": 0.78,
    },
    "phrasings_z.jsonl": {
        "intent_accuracy": 0.93,
        "none_precision": 0.92,
        "none_recall": 0.94,
        "slot_f1": 0.89,
    },
    # ninth round: AA, AC, AE tuning; AB, AD, AF clean (PHRASINGS.md)
    "phrasings_aa.jsonl": {
        "intent_accuracy": 0.97,
        "none_precision": 0.95,
        "none_recall": 0.97,
        "slot_f1": 0.90,
    },
    "phrasings_ab.jsonl": {
        "intent_accuracy": 0.96,
        "none_precision": 0.94,
        "none_recall": 0.99,
        "slot_f1": 0.90,
    },
    "phrasings_ac.jsonl": {
        "intent_accuracy": 0.93,
        "none_precision": 0.85,
        "none_recall": 0.97,
        "slot_f1": 0.86,
    },
    "phrasings_ad.jsonl": {
        "intent_accuracy": 0.95,
        "none_precision": 0.93,
        "none_recall": 0.98,
        "slot_f1": 0.92,
    },
    "phrasings_ae.jsonl": {
        "intent_accuracy": 0.85,
        "none_precision": 0.61,
        "none_recall": 0.99,
        "slot_f1": 0.76,
    },
    "phrasings_af.jsonl": {
        "intent_accuracy": 0.90,
        "none_precision": 0.88,
        "none_recall": 0.94,
        "slot_f1": 0.83,
    },
    # AG (clean): Home Assistant's test-sentence style, 150 of its other intents as negatives
    "phrasings_ag.jsonl": {
        "intent_accuracy": 0.95,
        "none_precision": 0.98,
        "none_recall": 0.95,
        "slot_f1": 0.88,
    },
    "phrasings_ah.jsonl": {
        "intent_accuracy": 0.95,
        "none_precision": 0.94,
        "none_recall": 0.97,
        "slot_f1": 0.88,
    },
    "phrasings_ai.jsonl": {
        "intent_accuracy": 0.96,
        "none_precision": 0.96,
        "none_recall": 0.97,
        "slot_f1": 0.87,
    },
    "phrasings_aj.jsonl": {
        "intent_accuracy": 0.92,
        "none_precision": 0.90,
        "none_recall": 0.97,
        "slot_f1": 0.80,
    },
    "phrasings_ak.jsonl": {
        "intent_accuracy": 0.97,
        "none_precision": 0.96,
        "none_recall": 0.96,
        "slot_f1": 0.92,
    },
    "phrasings_al.jsonl": {
        "intent_accuracy": 0.95,
        "none_precision": 0.90,
        "none_recall": 0.97,
        "slot_f1": 0.89,
    },
    "phrasings_am.jsonl": {
        "intent_accuracy": 0.93,
        "none_precision": 0.86,
        "none_recall": 0.99,
        "slot_f1": 0.83,
    },
    "phrasings_an.jsonl": {
        "intent_accuracy": 0.96,
        "none_precision": 0.94,
        "none_recall": 0.98,
        "slot_f1": 0.91,
    },
    "phrasings_ao.jsonl": {
        "intent_accuracy": 0.95,
        "none_precision": 0.95,
        "none_recall": 0.94,
        "slot_f1": 0.93,
    },
    "phrasings_ap.jsonl": {
        "intent_accuracy": 0.945,
        "none_precision": 0.935,
        "none_recall": 0.975,
        "slot_f1": 0.875,
    },
    "phrasings_aq.jsonl": {
        "intent_accuracy": 0.945,
        "none_precision": 0.9,
        "none_recall": 0.965,
        "slot_f1": 0.91,
    },
    "phrasings_ar.jsonl": {
        "intent_accuracy": 0.97,
        "none_precision": 0.965,
        "none_recall": 0.975,
        "slot_f1": 0.945,
    },
    "phrasings_as.jsonl": {
        "intent_accuracy": 0.93,
        "none_precision": 0.845,
        "none_recall": 0.965,
        "slot_f1": 0.89,
    },
    "phrasings_at.jsonl": {
        "intent_accuracy": 0.935,
        "none_precision": 0.9,
        "none_recall": 0.985,
        "slot_f1": 0.865,
    },
    "phrasings_au.jsonl": {
        "intent_accuracy": 0.91,
        "none_precision": 0.8,
        "none_recall": 0.955,
        "slot_f1": 0.815,
    },
    "phrasings_av.jsonl": {
        "intent_accuracy": 0.955,
        "none_precision": 0.915,
        "none_recall": 0.975,
        "slot_f1": 0.91,
    },
    "phrasings_aw.jsonl": {
        "intent_accuracy": 0.88,
        "none_precision": 0.815,
        "none_recall": 0.925,
        "slot_f1": 0.82,
    },
    "phrasings_ax.jsonl": {
        "intent_accuracy": 0.955,
        "none_precision": 0.935,
        "none_recall": 0.965,
        "slot_f1": 0.905,
    },
    "phrasings_ay.jsonl": {
        "intent_accuracy": 0.935,
        "none_precision": 0.905,
        "none_recall": 0.945,
        "slot_f1": 0.845,
    },
    "phrasings_az.jsonl": {
        "intent_accuracy": 0.835,
        "none_precision": 0.815,
        "none_recall": 0.935,
        "slot_f1": 0.65,
    },
    "phrasings_ba.jsonl": {
        "intent_accuracy": 0.955,
        "none_precision": 0.975,
        "none_recall": 0.965,
        "slot_f1": 0.915,
    },
    "phrasings_bb.jsonl": {
        "intent_accuracy": 0.97,
        "none_precision": 0.935,
        "none_recall": 0.985,
        "slot_f1": 0.85,
    },
    "phrasings_bc.jsonl": {
        "intent_accuracy": 0.985,
        "none_precision": 0.985,
        "none_recall": 0.985,
        "slot_f1": 0.865,
    },
    "phrasings_bd.jsonl": {
        "intent_accuracy": 0.975,
        "none_precision": 0.985,
        "none_recall": 0.975,
        "slot_f1": 0.945,
    },
    "phrasings_be.jsonl": {
        "intent_accuracy": 0.94,
        "none_precision": 0.865,
        "none_recall": 0.975,
        "slot_f1": 0.89,
    },
    "phrasings_bf.jsonl": {
        "intent_accuracy": 0.965,
        "none_precision": 0.935,
        "none_recall": 0.975,
        "slot_f1": 0.925,
    },
    "phrasings_bg.jsonl": {
        "intent_accuracy": 0.91,
        "none_precision": 0.835,
        "none_recall": 0.975,
        "slot_f1": 0.905,
    },
    "phrasings_bh.jsonl": {
        "intent_accuracy": 0.95,
        "none_precision": 0.9,
        "none_recall": 0.975,
        "slot_f1": 0.88,
    },
    "phrasings_bi.jsonl": {
        "intent_accuracy": 0.96,
        "none_precision": 0.965,
        "none_recall": 0.965,
        "slot_f1": 0.925,
    },
    "phrasings_bj.jsonl": {
        "intent_accuracy": 0.95,
        "none_precision": 0.925,
        "none_recall": 0.965,
        "slot_f1": 0.925,
    },
    "phrasings_bk.jsonl": {
        "intent_accuracy": 0.95,
        "none_precision": 0.935,
        "none_recall": 0.965,
        "slot_f1": 0.9,
    },
    "phrasings_bl.jsonl": {
        "intent_accuracy": 0.94,
        "none_precision": 0.835,
        "none_recall": 0.985,
        "slot_f1": 0.875,
    },
    "phrasings_bm.jsonl": {
        "intent_accuracy": 0.935,
        "none_precision": 0.835,
        "none_recall": 0.97,
        "slot_f1": 0.87,
    },
    "phrasings_bn.jsonl": {
        "intent_accuracy": 0.955,
        "none_precision": 0.975,
        "none_recall": 0.975,
        "slot_f1": 0.91,
    },
    "phrasings_bo.jsonl": {
        "intent_accuracy": 0.89,
        "none_precision": 0.715,
        "none_recall": 0.97,
        "slot_f1": 0.86,
    },
    "phrasings_bp.jsonl": {
        "intent_accuracy": 0.91,
        "none_precision": 0.805,
        "none_recall": 0.97,
        "slot_f1": 0.855,
    },
    "phrasings_bq.jsonl": {
        "intent_accuracy": 0.93,
        "none_precision": 0.81,
        "none_recall": 0.97,
        "slot_f1": 0.875,
    },
    "phrasings_br.jsonl": {
        "intent_accuracy": 0.9,
        "none_precision": 0.76,
        "none_recall": 0.985,
        "slot_f1": 0.835,
    },
    "phrasings_bs.jsonl": {
        "intent_accuracy": 0.955,
        "none_precision": 0.945,
        "none_recall": 0.965,
        "slot_f1": 0.915,
    },
    "phrasings_bt.jsonl": {
        "intent_accuracy": 0.915,
        "none_precision": 0.76,
        "none_recall": 0.97,
        "slot_f1": 0.875,
    },
    "phrasings_bu.jsonl": {
        "intent_accuracy": 0.975,
        "none_precision": 0.965,
        "none_recall": 0.975,
        "slot_f1": 0.948,
    },
    "phrasings_bv.jsonl": {
        "intent_accuracy": 0.958,
        "none_precision": 0.945,
        "none_recall": 0.955,
        "slot_f1": 0.899,
    },
    "phrasings_bw.jsonl": {
        "intent_accuracy": 0.955,
        "none_precision": 0.902,
        "none_recall": 0.985,
        "slot_f1": 0.896,
    },
    "phrasings_bx.jsonl": {
        "intent_accuracy": 0.907,
        "none_precision": 0.814,
        "none_recall": 0.955,
        "slot_f1": 0.858,
    },
    "phrasings_by.jsonl": {
        "intent_accuracy": 0.98,
        "none_precision": 0.975,
        "none_recall": 0.985,
        "slot_f1": 0.925,
    },
    "phrasings_bz.jsonl": {
        "intent_accuracy": 0.892,
        "none_precision": 0.813,
        "none_recall": 0.945,
        "slot_f1": 0.834,
    },
    "phrasings_ca.jsonl": {
        "intent_accuracy": 0.965,
        "none_precision": 0.965,
        "none_recall": 0.975,
        "slot_f1": 0.933,
    },
    "phrasings_cb.jsonl": {
        "intent_accuracy": 0.93,
        "none_precision": 0.848,
        "none_recall": 0.971,
        "slot_f1": 0.886,
    },
    "phrasings_cc.jsonl": {
        "intent_accuracy": 0.965,
        "none_precision": 0.947,
        "none_recall": 0.985,
        "slot_f1": 0.896,
    },
    "phrasings_cd.jsonl": {
        "intent_accuracy": 0.97,
        "none_precision": 0.975,
        "none_recall": 0.955,
        "slot_f1": 0.906,
    },
    "phrasings_ce.jsonl": {
        "intent_accuracy": 0.935,
        "none_precision": 0.846,
        "none_recall": 0.956,
        "slot_f1": 0.9,
    },
    "phrasings_cf.jsonl": {
        "intent_accuracy": 0.978,
        "none_precision": 0.985,
        "none_recall": 0.985,
        "slot_f1": 0.964,
    },
    "phrasings_cg.jsonl": {
        "intent_accuracy": 0.95,
        "none_precision": 0.902,
        "none_recall": 0.975,
        "slot_f1": 0.918,
    },
    "phrasings_ch.jsonl": {
        "intent_accuracy": 0.95,
        "none_precision": 0.869,
        "none_recall": 0.985,
        "slot_f1": 0.868,
    },
    "phrasings_ci.jsonl": {
        "intent_accuracy": 0.912,
        "none_precision": 0.836,
        "none_recall": 0.955,
        "slot_f1": 0.854,
    },
    "phrasings_cj.jsonl": {
        "intent_accuracy": 0.97,
        "none_precision": 0.965,
        "none_recall": 0.975,
        "slot_f1": 0.944,
    },
    "phrasings_ck.jsonl": {
        "intent_accuracy": 0.93,
        "none_precision": 0.846,
        "none_recall": 0.975,
        "slot_f1": 0.883,
    },
    "phrasings_cl.jsonl": {
        "intent_accuracy": 0.96,
        "none_precision": 0.946,
        "none_recall": 0.965,
        "slot_f1": 0.933,
    },
    "phrasings_cm.jsonl": {
        "intent_accuracy": 0.925,
        "none_precision": 0.831,
        "none_recall": 0.975,
        "slot_f1": 0.877,
    },
    "phrasings_cn.jsonl": {
        "intent_accuracy": 0.97,
        "none_precision": 0.975,
        "none_recall": 0.965,
        "slot_f1": 0.937,
    },
    "phrasings_co.jsonl": {
        "intent_accuracy": 0.928,
        "none_precision": 0.869,
        "none_recall": 0.975,
        "slot_f1": 0.854,
    },
    "phrasings_cp.jsonl": {
        "intent_accuracy": 0.978,
        "none_precision": 0.975,
        "none_recall": 0.975,
        "slot_f1": 0.956,
    },
    "phrasings_cq.jsonl": {
        "intent_accuracy": 0.98,
        "none_precision": 0.971,
        "none_recall": 0.985,
        "slot_f1": 0.938,
    },
    "phrasings_cr.jsonl": {
        "intent_accuracy": 0.973,
        "none_precision": 0.956,
        "none_recall": 0.985,
        "slot_f1": 0.921,
    },
    "phrasings_cs.jsonl": {
        "intent_accuracy": 0.887,
        "none_precision": 0.799,
        "none_recall": 0.945,
        "slot_f1": 0.838,
    },
    "phrasings_ct.jsonl": {
        "intent_accuracy": 0.975,
        "none_precision": 0.975,
        "none_recall": 0.975,
        "slot_f1": 0.922,
    },
    "phrasings_cu.jsonl": {
        "intent_accuracy": 0.965,
        "none_precision": 0.92,
        "none_recall": 0.985,
        "slot_f1": 0.929,
    },
    "phrasings_cv.jsonl": {
        "intent_accuracy": 0.985,
        "none_precision": 0.985,
        "none_recall": 0.985,
        "slot_f1": 0.975,
    },
    "phrasings_cw.jsonl": {
        "intent_accuracy": 0.978,
        "none_precision": 0.956,
        "none_recall": 0.985,
        "slot_f1": 0.927,
    },
    "phrasings_cx.jsonl": {
        "intent_accuracy": 0.96,
        "none_precision": 0.946,
        "none_recall": 0.975,
        "slot_f1": 0.948,
    },
    "phrasings_cy.jsonl": {
        "intent_accuracy": 0.897,
        "none_precision": 0.842,
        "none_recall": 0.955,
        "slot_f1": 0.841,
    },
    "phrasings_cz.jsonl": {
        "intent_accuracy": 0.95,
        "none_precision": 0.901,
        "none_recall": 0.965,
        "slot_f1": 0.895,
    },
    "phrasings_da.jsonl": {
        "intent_accuracy": 0.975,
        "none_precision": 0.965,
        "none_recall": 0.985,
        "slot_f1": 0.944,
    },
    "phrasings_db.jsonl": {
        "intent_accuracy": 0.975,
        "none_precision": 0.985,
        "none_recall": 0.975,
        "slot_f1": 0.946,
    },
    "phrasings_dc.jsonl": {
        "intent_accuracy": 0.94,
        "none_precision": 0.894,
        "none_recall": 0.985,
        "slot_f1": 0.893,
    },
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_blind_phrasings(parser: Parser, name: str) -> None:
    metrics = evaluate(parser, DATA / name, repeat=1).metrics
    for metric, floor in FLOORS[name].items():
        assert metrics[metric] >= floor, (name, metric, metrics[metric])
