"""SBML Level 3 Version 2 export of the typical patient's model with its dosing.

The exported document carries every state as a species (in a unit-size compartment ``body``,
amounts = the simulator's state values), every derived parameter with its value and unit, the
algebraic quantities and outputs as assignment rules, the dynamics as rate rules and each dose
as an SBML event (bolus: the state jumps; infusion: a rate parameter ``rin_<state>`` switches
on and off). COPASI, tellurium and libroadrunner can run it; ``tests/interop`` checks that
libroadrunner reproduces :func:`lupus.simulation.simulate`.
"""

from __future__ import annotations

from dataclasses import dataclass

import libsbml
import numpy as np

from lupus.simulation import STATES, Population, Schedule
from lupus.simulation import _layout as L
from lupus.simulation._derive import derive
from lupus.simulation._kernels import OUTPUTS
from lupus.simulation.simulate import compile_events

__all__ = ["SbmlExportError", "model_to_sbml", "patient_values"]


class SbmlExportError(ValueError):
    """The model could not be written as valid SBML (names the libsbml message)."""


# unit definitions: id -> list of (kind, exponent, scale, multiplier)
_UNITS: dict[str, list[tuple[int, float, int, float]]] = {
    "day": [(libsbml.UNIT_KIND_SECOND, 1, 0, 86400.0)],
    "per_day": [(libsbml.UNIT_KIND_SECOND, -1, 0, 86400.0)],
    "mg": [(libsbml.UNIT_KIND_GRAM, 1, -3, 1.0)],
    "litre_per_day": [
        (libsbml.UNIT_KIND_LITRE, 1, 0, 1.0),
        (libsbml.UNIT_KIND_SECOND, -1, 0, 86400.0),
    ],
    "mg_per_litre": [(libsbml.UNIT_KIND_GRAM, 1, -3, 1.0), (libsbml.UNIT_KIND_LITRE, -1, 0, 1.0)],
    "nmol_per_litre": [(libsbml.UNIT_KIND_MOLE, 1, -9, 1.0), (libsbml.UNIT_KIND_LITRE, -1, 0, 1.0)],
    "nmol_per_mg": [(libsbml.UNIT_KIND_MOLE, 1, -9, 1.0), (libsbml.UNIT_KIND_GRAM, -1, -3, 1.0)],
    "ng_per_ml": [(libsbml.UNIT_KIND_GRAM, 1, -9, 1.0), (libsbml.UNIT_KIND_LITRE, -1, -3, 1.0)],
    "ng_per_ml_per_day": [
        (libsbml.UNIT_KIND_GRAM, 1, -9, 1.0),
        (libsbml.UNIT_KIND_LITRE, -1, -3, 1.0),
        (libsbml.UNIT_KIND_SECOND, -1, 0, 86400.0),
    ],
    "cells_per_ul": [(libsbml.UNIT_KIND_ITEM, 1, 0, 1.0), (libsbml.UNIT_KIND_LITRE, -1, -6, 1.0)],
    "cells_per_ul_per_day": [
        (libsbml.UNIT_KIND_ITEM, 1, 0, 1.0),
        (libsbml.UNIT_KIND_LITRE, -1, -6, 1.0),
        (libsbml.UNIT_KIND_SECOND, -1, 0, 86400.0),
    ],
    "ul_per_cell_per_day": [
        (libsbml.UNIT_KIND_ITEM, -1, 0, 1.0),
        (libsbml.UNIT_KIND_LITRE, 1, -6, 1.0),
        (libsbml.UNIT_KIND_SECOND, -1, 0, 86400.0),
    ],
    "per_mg_per_day": [
        (libsbml.UNIT_KIND_GRAM, -1, -3, 1.0),
        (libsbml.UNIT_KIND_SECOND, -1, 0, 86400.0),
    ],
    "g_per_litre": [(libsbml.UNIT_KIND_GRAM, 1, 0, 1.0), (libsbml.UNIT_KIND_LITRE, -1, 0, 1.0)],
    "g_per_litre_per_day": [
        (libsbml.UNIT_KIND_GRAM, 1, 0, 1.0),
        (libsbml.UNIT_KIND_LITRE, -1, 0, 1.0),
        (libsbml.UNIT_KIND_SECOND, -1, 0, 86400.0),
    ],
    "mg_per_day": [
        (libsbml.UNIT_KIND_GRAM, 1, -3, 1.0),
        (libsbml.UNIT_KIND_SECOND, -1, 0, 86400.0),
    ],
}
# state unit text (simulation layer) -> SBML unit id
_STATE_UNIT = {
    "mg": "mg",
    "cells/uL": "cells_per_ul",
    "ng/mL": "ng_per_ml",
    "g/L": "g_per_litre",
    "IU/mL": "dimensionless",
    "AU": "dimensionless",
    "1": "dimensionless",
    "fold": "dimensionless",
    "g/g": "dimensionless",
    "SDI": "dimensionless",
}
_RATE = {
    "bel_ka",
    "car_rho",
    "car_alpha",
    "car_beta",
    "car_kem",
    "cyc_k",
    "flu_k",
    "t_rec",
    "gc_k",
    "hcq_k",
    "mmf_k",
    "flare_k",
    "g_k",
    "baff_kel",
    "baff_ksink",
    "baff_lden",
    "b_pre_rec",
    "nd_min",
    "nd_max",
    "b_act",
    "m_death",
    "m_bt",
    "m_tb",
    "m_re",
    "pb_death",
    "pb_ll",
    "ll_death",
    "igg_k",
    "ic_k",
    "c3_k",
    "c4_k",
    "org_koff",
    "auto_rec",
    "upcr_k",
    "ani_kint",
    "kon_renal",
    "kon_muco",
    "kon_msk",
    "kon_heme",
    "kon_sero",
    "kon_neuro",
}
_PARAM_UNIT: dict[str, str] = {
    "bel_cl": "litre_per_day",
    "bel_q": "litre_per_day",
    "ani_cl": "litre_per_day",
    "ani_q": "litre_per_day",
    "bel_v1": "litre",
    "bel_v2": "litre",
    "ani_vc": "litre",
    "ani_vp": "litre",
    "bel_nm": "nmol_per_mg",
    "ani_nm": "nmol_per_mg",
    "bel_kd": "nmol_per_litre",
    "ani_kss": "nmol_per_litre",
    "ani_r0": "nmol_per_litre",
    "ani_t0": "day",
    "ani_tc50": "day",
    "ani_ic50": "mg_per_litre",
    "bel_ec_local": "mg_per_litre",
    "igg_ref": "g_per_litre",
    "car_ka": "cells_per_ul",
    "b_pre_ag": "cells_per_ul",
    "car_kill": "ul_per_cell_per_day",
    "cyc_kill": "per_mg_per_day",
    "flu_kill": "per_mg_per_day",
    "gc_ed50": "mg_per_day",
    "hcq_ed50": "mg_per_day",
    "mmf_ed50": "mg_per_day",
    "baff_syn": "ng_per_ml_per_day",
    "baff_ec50": "ng_per_ml",
    "b_sum0": "cells_per_ul",
    "b_in": "cells_per_ul_per_day",
    "pb0": "cells_per_ul",
    "igg_qpb": "g_per_litre_per_day",
    "igg_qll": "g_per_litre_per_day",
    "c3_syn": "g_per_litre_per_day",
    "c4_syn": "g_per_litre_per_day",
    "adna_ppb": "per_day",
    "adna_pll": "per_day",  # IU/mL per (cells/uL) per day
    "c3_kappa": "per_day",
    "c4_kappa": "per_day",
    "dmg_k": "per_day",
    "dmg_gc": "per_mg_per_day",
    "upcr_base": "dimensionless",
    "upcr_gain": "dimensionless",
    "ic_ref": "dimensionless",
}


# zero-order input units per state unit (rin_<state>, dose_<j>_rate)
_RATE_UNIT = {"mg": "mg_per_day", "cells/uL": "cells_per_ul_per_day"}


def _pos(x: str) -> str:
    return f"piecewise({x}, {x} > 0, 0)"


_ORG = ("renal", "muco", "msk", "heme", "sero", "neuro")


def _assignments() -> list[tuple[str, str]]:
    """Algebraic quantities in dependency order (id, infix formula), mirroring _kernels.aux."""
    organs = [s for s, _, _ in STATES if s.startswith("organ_")]
    rules = [
        ("aux_igg", "piecewise(igg, igg > 1e-6, 1e-6)"),
        ("aux_cl_bel", "bel_cl * (aux_igg / igg_ref)^bel_igg_exp"),
        ("aux_c_bel", f"{_pos('bel_central')} / bel_v1"),
        ("aux_f_free", "bel_kd / (bel_kd + aux_c_bel * bel_nm)"),
        ("aux_ctot", f"{_pos('ani_central')} / ani_vc * ani_nm"),
        ("aux_b", "aux_ctot - ani_r0 - ani_kss"),
        ("aux_disc", "sqrt(aux_b^2 + 4 * ani_kss * aux_ctot)"),
        (
            "aux_cfree",
            "piecewise(0.5 * (aux_b + aux_disc), aux_b >= 0, "
            "piecewise(2 * ani_kss * aux_ctot / (aux_disc - aux_b), aux_disc - aux_b > 0, 0))",
        ),
        ("aux_c_ani", "aux_cfree / ani_nm"),
        ("aux_rc_ani", "ani_r0 * aux_cfree / (ani_kss + aux_cfree)"),
        ("aux_tt", _pos("time + time_origin - ani_t0")),
        ("aux_cl_ani", "ani_cl * exp(ani_tmax * aux_tt / (ani_tc50 + aux_tt))"),
        ("aux_gc_level", f"gc_k * {_pos('gc_effect')}"),
        ("aux_e_gc", "gc_emax * aux_gc_level / (gc_ed50 + aux_gc_level)"),
        ("aux_hcq", f"hcq_k * {_pos('hcq_effect')}"),
        ("aux_e_hcq", "hcq_emax * aux_hcq / (hcq_ed50 + aux_hcq)"),
        ("aux_mmf", f"mmf_k * {_pos('mmf_effect')}"),
        ("aux_e_mmf", "mmf_emax * aux_mmf / (mmf_ed50 + aux_mmf)"),
        ("aux_k_cyto", f"cyc_kill * {_pos('cyclophosphamide')} + flu_kill * {_pos('fludarabine')}"),
        ("aux_d_mean", "(" + " + ".join(organs) + f") / {len(organs)}"),
        ("aux_ag", f"ag_base * (1 + ag_fb * aux_d_mean) + {_pos('flare_trigger')}"),
        ("aux_x", f"(ifn_xb + ifn_gic * {_pos('immune_complexes')}) * (1 - aux_e_hcq)"),
        ("aux_s", "aux_x / (ifn_k + aux_x)"),
        ("aux_inhib", "aux_c_ani / (ani_ic50 + aux_c_ani)"),
        ("aux_s_eff", "aux_s * (1 - aux_inhib)"),
        ("aux_baff_free", f"aux_f_free * {_pos('baff_total')}"),
        ("aux_prod_baff", "baff_syn * (1 + baff_eifn * aux_s_eff)"),
        (
            "aux_baff_eff",
            "bel_block * aux_baff_free + (1 - bel_block) * aux_prod_baff / baff_lden"
            " * bel_ec_local / (bel_ec_local + aux_c_bel)",
        ),
        ("aux_sigma", "aux_baff_eff / (baff_ec50 + aux_baff_eff)"),
        ("aux_kill", f"car_kill * {_pos('car_effector')} + aux_k_cyto"),
        ("aux_auto", _pos("autoreactivity")),
        ("aux_k10", "aux_cl_bel / bel_v1"),
        (
            "aux_load",
            _pos(
                "b_naive + b_memory_blood + b_memory_tissue + plasmablasts + b_pre_ag * b_precursor"
            ),
        ),
        ("aux_fa", "aux_load / (car_ka + aux_load)"),
        ("aux_boost", f"car_agonly + car_ldboost * {_pos('1 - t_endo')}"),
        ("aux_d_naive", "nd_min + (nd_max - nd_min) * (1 - aux_sigma)"),
        (
            "aux_act",
            "b_act * (1 + b_act_ifn * aux_s_eff) * (1 - aux_e_gc) * (1 - aux_e_mmf)"
            " * aux_ag * b_naive",
        ),
        ("aux_to_blood", "m_tb * (1 + m_mob * (1 - aux_f_free))"),
        ("aux_restim", "m_re * aux_ag"),
        ("aux_pb_supply", "(1 - pb_baff_w) + pb_baff_w * aux_sigma / sigma0"),
        ("aux_elim_ani", "aux_cl_ani * aux_c_ani + ani_kint * aux_rc_ani / ani_nm * ani_vc"),
        ("aux_dist_ani", "ani_q * (aux_c_ani - ani_periph / ani_vp)"),
        ("aux_dist_bel", "bel_q * (bel_central / bel_v1 - bel_periph / bel_v2)"),
        ("aux_pb_rel", "plasmablasts * aux_auto / pb0"),
        ("aux_s_rel", "aux_s_eff / 0.2"),
        (
            "aux_ic_drive",
            f"{_pos('immune_complexes')}^org_ic_n * (1 + org_ic_k^org_ic_n)"
            f" / ({_pos('immune_complexes')}^org_ic_n + org_ic_k^org_ic_n)",
        ),
        ("aux_dmg", " + ".join(f"{o}^2" for o in organs)),
    ]
    return rules


def _rates() -> dict[str, str]:
    """Rate rules per state, mirroring _kernels.rhs (rin_<state>: dose input rates)."""
    organs = [s for s, _, _ in STATES if s.startswith("organ_")]
    r = {
        "bel_depot": "rin_bel_depot - bel_ka * bel_depot",
        "bel_central": (
            "rin_bel_central + bel_ka * bel_depot - aux_k10 * bel_central - aux_dist_bel"
        ),
        "bel_periph": "aux_dist_bel",
        "bel_eliminated": "aux_k10 * bel_central",
        "ani_central": "rin_ani_central - aux_elim_ani - aux_dist_ani",
        "ani_periph": "aux_dist_ani",
        "ani_eliminated": "aux_elim_ani",
        "car_effector": (
            "rin_car_effector + (car_rho * aux_fa * aux_boost - car_alpha - car_kem) * car_effector"
        ),
        "car_memory": "car_kem * car_effector - car_beta * car_memory",
        "cyclophosphamide": "rin_cyclophosphamide - cyc_k * cyclophosphamide",
        "fludarabine": "rin_fludarabine - flu_k * fludarabine",
        "t_endo": "t_rec * (1 - t_endo) - aux_k_cyto * t_endo",
        "gc_effect": "rin_gc_effect - gc_k * gc_effect",
        "hcq_effect": "rin_hcq_effect - hcq_k * hcq_effect",
        "mmf_effect": "rin_mmf_effect - mmf_k * mmf_effect",
        "flare_trigger": "rin_flare_trigger - flare_k * flare_trigger",
        "baff_total": (
            "aux_prod_baff - (baff_kel + baff_ksink * "
            + _pos("b_naive + b_memory_blood")
            + " / b_sum0) * aux_f_free * baff_total - aux_k10 * (1 - aux_f_free) * baff_total"
        ),
        "b_precursor": "b_pre_rec * (1 - b_precursor) - aux_kill * b_precursor",
        "b_naive": "b_in * b_precursor - aux_d_naive * b_naive - aux_act - aux_kill * b_naive",
        "b_memory_blood": (
            "f_mem * aux_act + aux_to_blood * b_memory_tissue - "
            "(m_bt + m_death + aux_restim + aux_kill) * b_memory_blood"
        ),
        "b_memory_tissue": (
            "m_bt * b_memory_blood"
            " - (aux_to_blood + m_death + aux_restim + aux_kill) * b_memory_tissue"
        ),
        "plasmablasts": (
            "(f_pb * aux_act + aux_restim * (1 - aux_e_mmf) * (b_memory_blood + b_memory_tissue))"
            " * aux_pb_supply - (pb_death + pb_ll + aux_kill) * plasmablasts"
        ),
        "llpc": "pb_ll * plasmablasts - (ll_death + cyto_ll * aux_k_cyto) * llpc",
        "anti_dsdna": "adna_ppb * plasmablasts * aux_auto + adna_pll * llpc - igg_k * anti_dsdna",
        "autoreactivity": "auto_rec * (1 - aux_auto) - aux_kill * aux_auto",
        "igg": "igg_qpb * plasmablasts + igg_qll * llpc - igg_k * igg",
        "immune_complexes": "ic_k * (anti_dsdna * aux_ag / ic_ref - immune_complexes)",
        "c3": "c3_syn - (c3_k + c3_kappa * immune_complexes) * c3",
        "c4": "c4_syn - (c4_k + c4_kappa * immune_complexes) * c4",
        "ifngs": "g_k * (1 + g_max * aux_s_eff - ifngs)",
        "upcr": f"upcr_k * (upcr_base + upcr_gain * {_pos('organ_renal')}^upcr_exp - upcr)",
        "damage": "dmg_k * aux_dmg + dmg_gc * aux_gc_level",
    }
    for organ, short in zip(organs, _ORG, strict=True):
        r[organ] = (
            f"kon_{short} * (org_basal + wic_{short} * aux_ic_drive + wifn_{short} * aux_s_rel"
            f" + wpb_{short} * aux_pb_rel)^org_hill * (1 - {organ}) * (1 - aux_e_gc)"
            f" - org_koff * {organ}"
        )
    return r


def _outputs() -> dict[str, str]:
    formulas = {
        "bel_conc": "aux_c_bel",
        "ani_conc": "aux_c_ani",
        "baff_free": "aux_baff_free",
        "baff_bound": f"{_pos('baff_total')} - aux_baff_free",
        "cd19_b_cells": "b_naive + b_memory_blood + plasmablasts",
        "car_t_cells": "car_effector + car_memory",
        "ifn_signalling": "aux_s_eff",
        "ifngs_neutralisation": "piecewise(100 * (g0 - ifngs) / (g0 - 1), g0 > 1 + 1e-9, 0)",
        "gc_level": "aux_gc_level",
        "organ_activity": "aux_d_mean",
    }
    assert tuple(formulas) == tuple(o[0] for o in OUTPUTS)
    return formulas


@dataclass(frozen=True, slots=True)
class _Doc:
    doc: libsbml.SBMLDocument


def _check(code: int, what: str) -> None:
    if code != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise SbmlExportError(
            f"libsbml failed to set {what}: {libsbml.OperationReturnValue_toString(code)}"
        )


def _math(formula: str, what: str) -> libsbml.ASTNode:
    node = libsbml.parseL3Formula(formula)
    if node is None:
        raise SbmlExportError(f"cannot parse formula for {what}: {libsbml.getLastParseL3Error()}")
    return node


def model_to_sbml(
    population: Population, schedule: Schedule, *, model_id: str = "lupus_qsp"
) -> str:
    """SBML L3V2 text of one patient's model (typically the typical patient) with its doses.

    Doses before day 0 (lymphodepletion) are kept by shifting the SBML clock: SBML time 0 is
    simulator day ``time_origin`` (a parameter of the model, 0 unless doses start earlier).
    The document is checked for errors before it is returned.
    """
    if population.size != 1 or schedule.n_patients != 1:
        raise SbmlExportError("model_to_sbml exports exactly one patient")
    first_ani = schedule.time[schedule.compartment == L.S_ANI_CENTRAL]
    derived = derive(
        population.names,
        population.theta,
        population.covariates,
        np.array([first_ani.min() if first_ani.size else 1e9]),
    )
    ev = compile_events(
        schedule,
        derived,
        population.parameter("blood_volume"),
        population.parameter("car_blood_fraction"),
    )
    # SBML time 0 is the first dose when doses start before day 0 (lymphodepletion):
    # simulators reset to time 0, so event times are shifted and ``time_origin`` (day) says
    # which simulator day SBML time 0 is.
    origin = float(min(0.0, ev.time.min())) if ev.time.size else 0.0
    doc = libsbml.SBMLDocument(3, 2)
    model = doc.createModel()
    model.setId(model_id)
    model.setName(
        "Lupus QSP model (lupus-immunotherapy), typical patient; research and education only"
    )
    for uid, parts in _UNITS.items():
        ud = model.createUnitDefinition()
        ud.setId(uid)
        for kind, exp, scale, mult in parts:
            u = ud.createUnit()
            u.setKind(kind)
            u.setExponent(exp)
            u.setScale(scale)
            u.setMultiplier(mult)
    model.setTimeUnits("day")
    comp = model.createCompartment()
    comp.setId("body")
    comp.setSize(1.0)
    comp.setConstant(True)
    comp.setSpatialDimensions(3)
    comp.setUnits("dimensionless")
    for k, (sid, unit, meaning) in enumerate(STATES):
        sp = model.createSpecies()
        _check(sp.setId(sid), sid)
        sp.setName(meaning)
        sp.setCompartment("body")
        sp.setInitialAmount(float(derived.y0[0, k]))
        sp.setHasOnlySubstanceUnits(True)
        sp.setBoundaryCondition(False)
        sp.setConstant(False)
        sp.setSubstanceUnits(_STATE_UNIT[unit])
    for k, name in enumerate(L.DERIVED_NAMES):
        par = model.createParameter()
        _check(par.setId(name), name)
        par.setValue(float(derived.p[0, k]))
        par.setConstant(True)
        unit = _PARAM_UNIT.get(name, "per_day" if name in _RATE else "dimensionless")
        par.setUnits(unit)
    par = model.createParameter()
    par.setId("time_origin")
    par.setValue(origin)
    par.setConstant(True)
    par.setUnits("day")
    dosable = sorted({int(s) for s in ev.state} | {L.S_GC_EFFECT, L.S_HCQ_EFFECT, L.S_MMF_EFFECT})
    for s in range(L.NS):
        sid = L.STATE_NAMES[s]
        par = model.createParameter()
        par.setId(f"rin_{sid}")
        par.setValue(float(derived.base_rate[0, s]))
        par.setConstant(s not in dosable)
        par.setUnits(_RATE_UNIT.get(STATES[s][1], "per_day"))
    for rid, formula in _assignments():
        par = model.createParameter()
        par.setId(rid)
        par.setConstant(False)
        rule = model.createAssignmentRule()
        rule.setVariable(rid)
        rule.setMath(_math(formula, rid))
    for oid, formula in _outputs().items():
        par = model.createParameter()
        par.setId(oid)
        par.setConstant(False)
        rule = model.createAssignmentRule()
        rule.setVariable(oid)
        rule.setMath(_math(formula, oid))
    for sid, formula in _rates().items():
        rule = model.createRateRule()
        rule.setVariable(sid)
        rule.setMath(_math(formula, sid))
    for j in range(ev.time.size):
        t = float(ev.time[j]) - origin
        sid = L.STATE_NAMES[int(ev.state[j])]
        e = model.createEvent()
        e.setId(f"dose_{j}")
        e.setUseValuesFromTriggerTime(True)
        trig = e.createTrigger()
        trig.setInitialValue(False)
        trig.setPersistent(True)
        trig.setMath(_math(f"time >= {t!r}", f"dose_{j}"))
        # the dose size is a parameter (dose_<j>_amount: state units; dose_<j>_rate: per day),
        # so tools can change doses without editing events
        par = model.createParameter()
        par.setConstant(True)
        ea = e.createEventAssignment()
        if ev.rate[j] != 0.0:
            par.setId(f"dose_{j}_rate")
            par.setValue(float(ev.rate[j]))
            par.setUnits(_RATE_UNIT.get(STATES[int(ev.state[j])][1], "per_day"))
            ea.setVariable(f"rin_{sid}")
            ea.setMath(_math(f"rin_{sid} + dose_{j}_rate", f"dose_{j}"))
        else:
            par.setId(f"dose_{j}_amount")
            par.setValue(float(ev.amount[j]))
            par.setUnits(_STATE_UNIT[STATES[int(ev.state[j])][1]])
            ea.setVariable(sid)
            ea.setMath(_math(f"{sid} + dose_{j}_amount", f"dose_{j}"))
    errors = [
        doc.getError(i)
        for i in range(doc.getNumErrors())
        if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR
    ]
    if errors:
        raise SbmlExportError(f"invalid SBML: {errors[0].getMessage().strip()}")
    return str(libsbml.writeSBMLToString(doc))


def patient_values(population: Population, schedule: Schedule, patient: int) -> dict[str, float]:
    """SBML id -> value for one patient of a population: derived parameters, initial amounts
    (``init(<species>)``), input rates at the start (``rin_<state>``) and dose parameters, in
    the numbering of :func:`model_to_sbml` for the same schedule. Lets one compiled SBML model
    run many patients whose schedules share dose times: set every value, then reset once
    (a reset fires the time-0 events, which add to the ``rin_`` parameters)."""
    pop1 = population.select([patient])
    sched1 = schedule.select([patient])
    first_ani = sched1.time[sched1.compartment == L.S_ANI_CENTRAL]
    derived = derive(
        pop1.names,
        pop1.theta,
        pop1.covariates,
        np.array([first_ani.min() if first_ani.size else 1e9]),
    )
    ev = compile_events(
        sched1, derived, pop1.parameter("blood_volume"), pop1.parameter("car_blood_fraction")
    )
    values = {name: float(derived.p[0, k]) for k, name in enumerate(L.DERIVED_NAMES)}
    for k, sid in enumerate(L.STATE_NAMES):
        values[f"init({sid})"] = float(derived.y0[0, k])
    for k, sid in enumerate(L.STATE_NAMES):
        values[f"rin_{sid}"] = float(derived.base_rate[0, k])
    for j in range(ev.time.size):
        if ev.rate[j] != 0.0:
            values[f"dose_{j}_rate"] = float(ev.rate[j])
        else:
            values[f"dose_{j}_amount"] = float(ev.amount[j])
    return values
