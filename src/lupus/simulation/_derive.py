"""Per-patient derived parameters and the untreated steady state (vectorised over patients).

Input: natural parameter values (patients x table parameters, after random effects) and
covariates. Output: the derived vector ``p`` the compiled model reads, the initial state ``y0``
(each patient starts at its own untreated steady state, so production rates are derived from
baseline levels), and the background input rates (standard of care) per state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lupus.simulation import _layout as L

__all__ = ["COVARIATES", "Derived", "derive"]

F64 = NDArray[np.float64]

# Covariate columns: (name, unit, typical value, meaning). Names match event-table columns.
COVARIATES: tuple[tuple[str, str, float, str], ...] = (
    ("WT_KG", "kg", 70.0, "body weight"),
    ("ALB_G_L", "g/L", 40.0, "serum albumin"),
    ("IGG_G_L", "g/L", 14.8, "baseline total serum IgG"),
    ("HEIGHT_CM", "cm", 165.0, "height (body-surface area for mg/m2 doses)"),
    ("GC_MG_DAY", "mg/day", 0.0, "background glucocorticoid, prednisone-equivalent"),
    ("HCQ_MG_DAY", "mg/day", 0.0, "background hydroxychloroquine"),
    ("MMF_MG_DAY", "mg/day", 0.0, "background mycophenolate mofetil"),
)
COVARIATE_NAMES = tuple(c[0] for c in COVARIATES)

ORGANS = (
    "renal",
    "mucocutaneous",
    "musculoskeletal",
    "haematological",
    "serosal",
    "neuropsychiatric",
)
_SHORT = ("renal", "muco", "msk", "heme", "sero", "neuro")


@dataclass(frozen=True, slots=True)
class Derived:
    p: F64  # patients x NP
    y0: F64  # patients x NS
    base_rate: F64  # patients x NS, background zero-order input
    bel_f_sc: F64  # SC bioavailability per patient
    bel_lag_sc: F64  # SC absorption lag per patient (day)
    weight: F64
    bsa: F64


def bsa_mosteller(weight_kg: F64, height_cm: F64) -> F64:
    """Body-surface area in m2 (Mosteller 1987: sqrt(height_cm * weight_kg / 3600))."""
    return np.sqrt(height_cm * weight_kg / 3600.0)


def derive(names: tuple[str, ...], theta: F64, cov: F64, ani_t0: F64 | None = None) -> Derived:
    n = theta.shape[0]
    col = {nm: theta[:, i] for i, nm in enumerate(names)}
    c = {nm: cov[:, i] for i, nm in enumerate(COVARIATE_NAMES)}
    p = np.zeros((n, L.NP))
    y0 = np.zeros((n, L.NS))
    rate = np.zeros((n, L.NS))

    def put(key: int, value: F64 | float) -> None:
        p[:, key] = value

    wt, alb, igg0 = c["WT_KG"], c["ALB_G_L"], c["IGG_G_L"]

    # ---- belimumab: compartment parameters from the label's CL, Vss and half-lives
    # (exact solution of the 2-compartment macro/micro-constant relations; see docs/model.md)
    cl = col["bel_cl"]
    vss = col["bel_vss"]
    alpha = math.log(2) / col["bel_thalf_dist"]
    beta = math.log(2) / col["bel_thalf_term"]
    k10 = alpha + beta - alpha * beta * vss / cl  # = CL/V1
    v1_typ = cl / k10
    k21 = alpha * beta / k10
    v2_typ = vss - v1_typ
    q_typ = k21 * v2_typ
    wr = wt / col["bel_ref_wt"]
    # covariates (weight, albumin) and the random effect here; IgG acts as the state in the model
    put(
        L.P_BEL_CL,
        cl * col["bel_cl_eta"] * wr ** col["bel_wt_exp_cl"] * (alb / 40.0) ** col["bel_alb_exp_cl"],
    )
    put(L.P_BEL_V1, v1_typ * wr ** col["bel_wt_exp_v1"] * col["bel_v1_eta"])
    put(L.P_BEL_Q, q_typ * wr ** col["bel_wt_exp_q"])
    put(L.P_BEL_V2, v2_typ * wr ** col["bel_wt_exp_v2"] * col["bel_v2_eta"])
    put(L.P_BEL_KA, col["bel_ka"])
    put(L.P_BEL_IGG_EXP, col["bel_igg_exp_cl"])
    put(L.P_IGG_REF, 14.8)
    put(L.P_BEL_NM, 1000.0 / col["bel_mw"])
    put(L.P_BEL_KD, col["bel_kd"])

    # ---- anifrolumab
    ifngs0 = np.maximum(col["ifngs0"], 1.0)
    low = ifngs0 < col["ifngs_high_cut"]
    wa = wt / col["ani_ref_wt"]
    put(
        L.P_ANI_CL,
        col["ani_cl"] * wa ** col["ani_wt_exp_cl"] * np.where(low, col["ani_cl_ifn_low"], 1.0),
    )
    put(L.P_ANI_VC, col["ani_vc"] * wa ** col["ani_wt_exp_vc"])
    put(L.P_ANI_Q, col["ani_q"])
    put(L.P_ANI_VP, col["ani_vp"])
    put(L.P_ANI_KSS, col["ani_kss"])
    put(L.P_ANI_R0, col["ani_r0"])
    put(L.P_ANI_KINT, col["ani_kint"])
    put(L.P_ANI_TMAX, col["ani_tmax"])
    put(L.P_ANI_TC50, col["ani_tc50"])
    put(L.P_ANI_NM, 1000.0 / col["ani_mw"])
    put(L.P_ANI_T0, np.full(n, 1e9) if ani_t0 is None else ani_t0)
    put(L.P_ANI_IC50, col["ani_ic50_ifngs"])

    # ---- CAR T, cytotoxics, standard of care, flares
    put(L.P_CAR_RHO, col["car_rho"])
    put(L.P_CAR_ALPHA, col["car_alpha"])
    put(L.P_CAR_BETA, col["car_beta"])
    put(L.P_CAR_KEM, col["car_to_memory"])
    put(L.P_CAR_KA, col["car_antigen_k"])
    put(L.P_CAR_KILL, col["car_kill"])
    put(L.P_CAR_LDBOOST, col["car_ld_boost"])
    put(L.P_CAR_AGONLY, col["car_antigen_only"])
    put(L.P_B_PRE_AG, col["b_precursor_antigen"])
    put(L.P_CYC_K, col["cyc_k"])
    put(L.P_CYC_KILL, col["cyc_kill"])
    put(L.P_FLU_K, col["flu_k"])
    put(L.P_FLU_KILL, col["flu_kill"])
    put(L.P_CYTO_LL, col["cyto_llpc_share"])
    put(L.P_T_REC, col["t_endo_recovery"])
    for short, k_name in (("gc", "gc_k"), ("hcq", "hcq_k"), ("mmf", "mmf_k")):
        put(getattr(L, f"P_{short.upper()}_K"), col[k_name])
        put(getattr(L, f"P_{short.upper()}_EMAX"), col[f"{short}_emax"])
        put(getattr(L, f"P_{short.upper()}_ED50"), col[f"{short}_ed50"])
    put(L.P_FLARE_K, col["flare_k"])
    y0[:, L.S_T_ENDO] = 1.0
    y0[:, L.S_B_PRECURSOR] = 1.0
    # background standard of care as permanent zero-order inputs, effect compartments at
    # steady state (level = k * amount = daily dose)
    for state, cov_name, k_name in (
        (L.S_GC_EFFECT, "GC_MG_DAY", "gc_k"),
        (L.S_HCQ_EFFECT, "HCQ_MG_DAY", "hcq_k"),
        (L.S_MMF_EFFECT, "MMF_MG_DAY", "mmf_k"),
    ):
        rate[:, state] = c[cov_name]
        y0[:, state] = c[cov_name] / col[k_name]
    gc = c["GC_MG_DAY"]
    e_gc = col["gc_emax"] * gc / (col["gc_ed50"] + gc)
    hcq = c["HCQ_MG_DAY"]
    e_hcq = col["hcq_emax"] * hcq / (col["hcq_ed50"] + hcq)
    mmf = c["MMF_MG_DAY"]
    e_mmf = col["mmf_emax"] * mmf / (col["mmf_ed50"] + mmf)

    # ---- organ activity at baseline and the antigen load (normalised to 1 at baseline)
    d0 = np.stack([np.clip(col[f"organ_{o}0"], 1e-4, 0.95) for o in ORGANS], axis=1)
    d_mean0 = d0.mean(axis=1)
    put(L.P_AG_FB, col["ag_organ_feedback"])
    put(L.P_AG_BASE, 1.0 / (1.0 + col["ag_organ_feedback"] * d_mean0))
    ag0 = 1.0

    # ---- antibodies and immune complexes
    adna0 = np.maximum(col["anti_dsdna0"], 0.0)
    put(L.P_IC_K, col["ic_kel"])
    put(L.P_IC_REF, col["ic_ref_anti_dsdna"])
    ic0 = adna0 * ag0 / col["ic_ref_anti_dsdna"]

    # ---- IFN: signalling from the baseline gene signature, split into IC-driven and basal drive
    g_max = col["ifngs_gmax"]
    s0 = np.clip((ifngs0 - 1.0) / g_max, 0.0, 0.95)
    x0 = col["ifn_k_signal"] * s0 / (1.0 - s0)
    x0_raw = x0 / (1.0 - e_hcq)
    share = np.where(ic0 > 1e-9, col["ifn_ic_share"], 0.0)
    put(L.P_IFN_XB, (1.0 - share) * x0_raw)
    put(L.P_IFN_GIC, np.where(ic0 > 1e-9, share * x0_raw / np.maximum(ic0, 1e-9), 0.0))
    put(L.P_IFN_K, col["ifn_k_signal"])
    put(L.P_G_MAX, g_max)
    put(L.P_G_K, col["ifngs_k"])
    put(L.P_G0, 1.0 + g_max * s0)
    y0[:, L.S_IFNGS] = 1.0 + g_max * s0

    # ---- BAFF
    baff0 = col["baff0"]
    kel = col["baff_kel"]
    ksink = kel * col["baff_sink_share"] / (1.0 - col["baff_sink_share"])
    put(L.P_BAFF_KEL, kel)
    put(L.P_BAFF_KSINK, ksink)
    put(L.P_BAFF_LDEN, kel + ksink)
    syn = baff0 * (kel + ksink) / (1.0 + col["baff_ifn_gain"] * s0)
    put(L.P_BAFF_SYN, syn)
    put(L.P_BAFF_EIFN, col["baff_ifn_gain"])
    put(L.P_BAFF_EC50, col["baff_ec50"])
    put(L.P_BEL_BLOCK, col["bel_block"])
    put(L.P_BEL_EC_LOCAL, col["bel_local_ec50"])
    sigma0 = baff0 / (col["baff_ec50"] + baff0)
    put(L.P_SIGMA0, sigma0)
    y0[:, L.S_BAFF_TOTAL] = baff0

    # ---- B cells: production and differentiation rates from the baseline naive count
    nb0 = col["b_naive0"]
    d_naive0 = col["b_naive_dmin"] + (col["b_naive_dmax"] - col["b_naive_dmin"]) * (1 - sigma0)
    act_k = col["b_act"] * (1.0 + col["b_act_ifn_gain"] * s0) * (1 - e_gc) * (1 - e_mmf) * ag0
    act0 = act_k * nb0
    put(L.P_B_IN, d_naive0 * nb0 + act0)
    put(L.P_B_PRE_REC, col["b_pre_recovery"])
    put(L.P_ND_MIN, col["b_naive_dmin"])
    put(L.P_ND_MAX, col["b_naive_dmax"])
    put(L.P_B_ACT, col["b_act"])
    put(L.P_B_ACT_IFN, col["b_act_ifn_gain"])
    put(L.P_F_MEM, col["b_act_mem_share"])
    put(L.P_F_PB, col["b_act_pb_share"])
    d_m = col["b_mem_death"]
    m_bt = col["b_mem_to_tissue"]
    m_tb = col["b_mem_to_blood"]
    r = col["b_mem_restim"] * ag0
    put(L.P_M_DEATH, d_m)
    put(L.P_M_BT, m_bt)
    put(L.P_M_TB, m_tb)
    put(L.P_M_MOB, col["b_mem_mobilise"])
    put(L.P_M_RE, col["b_mem_restim"])
    loss_t = m_tb + d_m + r
    mbb0 = col["b_act_mem_share"] * act0 / (m_bt + d_m + r - m_tb * m_bt / loss_t)
    mbt0 = m_bt * mbb0 / loss_t
    pb_out = col["pb_death"] + col["pb_to_llpc"]
    pb0 = (col["b_act_pb_share"] * act0 + r * (1 - e_mmf) * (mbb0 + mbt0)) / pb_out
    ll0 = col["pb_to_llpc"] * pb0 / col["llpc_death"]
    put(L.P_PB_DEATH, col["pb_death"])
    put(L.P_PB_BAFF_W, col["pb_baff_dependence"])
    put(L.P_PB_LL, col["pb_to_llpc"])
    put(L.P_LL_DEATH, col["llpc_death"])
    put(L.P_PB0, pb0)
    put(L.P_B_SUM0, nb0 + mbb0)
    y0[:, L.S_B_NAIVE] = nb0
    y0[:, L.S_B_MEMORY_BLOOD] = mbb0
    y0[:, L.S_B_MEMORY_TISSUE] = mbt0
    y0[:, L.S_PLASMABLASTS] = pb0
    y0[:, L.S_LLPC] = ll0

    # ---- antibody production split between short-lived and long-lived plasma cells
    k_ig = col["igg_kel"]
    put(L.P_IGG_K, k_ig)
    sa = col["anti_dsdna_llpc_share"]
    put(L.P_ADNA_PPB, (1 - sa) * k_ig * adna0 / pb0)
    put(L.P_ADNA_PLL, sa * k_ig * adna0 / ll0)
    si = col["igg_llpc_share"]
    put(L.P_IGG_QPB, (1 - si) * k_ig * igg0 / pb0)
    put(L.P_IGG_QLL, si * k_ig * igg0 / ll0)
    y0[:, L.S_ANTI_DSDNA] = adna0
    y0[:, L.S_IGG] = igg0
    y0[:, L.S_IMMUNE_COMPLEXES] = ic0

    # ---- complement: normal synthesis, IC-driven extra catabolism from the baseline level
    for name, ps, pk, pkap, s_state in (
        ("c3", L.P_C3_SYN, L.P_C3_K, L.P_C3_KAPPA, L.S_C3),
        ("c4", L.P_C4_SYN, L.P_C4_K, L.P_C4_KAPPA, L.S_C4),
    ):
        k_el = col[f"{name}_kel"]
        syn_c = k_el * col[f"{name}_normal"]
        base = np.minimum(col[f"{name}_0"], col[f"{name}_normal"])
        kappa = np.where(ic0 > 1e-9, (syn_c / base - k_el) / np.maximum(ic0, 1e-9), 0.0)
        kappa = np.maximum(kappa, 0.0)
        put(ps, syn_c)
        put(pk, k_el)
        put(pkap, kappa)
        y0[:, s_state] = syn_c / (k_el + kappa * ic0)

    # ---- organs: susceptibility derived so that the baseline activity is a steady state
    koff = col["organ_resolution"]
    put(L.P_ORG_KOFF, koff)
    put(L.P_ORG_BASAL, col["organ_basal_drive"])
    hill = col["organ_drive_hill"]
    put(L.P_ORG_HILL, hill)
    s_rel0 = s0 / 0.2
    put(L.P_ORG_IC_K, col["organ_ic_saturation"])
    put(L.P_ORG_IC_N, col["organ_ic_hill"])
    k_n = col["organ_ic_saturation"] ** col["organ_ic_hill"]
    ic_n = ic0 ** col["organ_ic_hill"]
    ic_drive0 = ic_n * (1.0 + k_n) / (ic_n + k_n)
    for k, (organ, short) in enumerate(zip(ORGANS, _SHORT, strict=True)):
        wic = col[f"w_ic_{organ}"]
        wifn = col[f"w_ifn_{organ}"]
        wpb = col[f"w_pb_{organ}"]
        put(getattr(L, f"P_WIC_{short.upper()}"), wic)
        put(getattr(L, f"P_WIFN_{short.upper()}"), wifn)
        put(getattr(L, f"P_WPB_{short.upper()}"), wpb)
        drive0 = col["organ_basal_drive"] + wic * ic_drive0 + wifn * s_rel0 + wpb * 1.0
        dk = d0[:, k]
        put(
            getattr(L, f"P_KON_{short.upper()}"),
            koff * dk / (drive0**hill * (1 - dk) * (1 - e_gc)),
        )
        y0[:, L.S_ORGAN_RENAL + k] = dk
    put(L.P_UPCR_BASE, col["upcr_normal"])
    put(L.P_UPCR_GAIN, col["upcr_gain"])
    put(L.P_UPCR_K, col["upcr_k"])
    put(L.P_UPCR_EXP, col["upcr_exponent"])
    y0[:, L.S_UPCR] = col["upcr_normal"] + col["upcr_gain"] * d0[:, 0] ** col["upcr_exponent"]
    put(L.P_DMG_K, col["damage_k"])
    put(L.P_AUTO_REC, col["autoreactive_recovery"])
    y0[:, L.S_AUTOREACTIVITY] = 1.0
    put(L.P_DMG_GC, col["damage_gc"])

    return Derived(
        p=p,
        y0=y0,
        base_rate=rate,
        bel_f_sc=np.asarray(col["bel_f_sc"], dtype=np.float64),
        bel_lag_sc=np.asarray(col["bel_lag_sc"], dtype=np.float64),
        weight=np.asarray(wt, dtype=np.float64),
        bsa=bsa_mosteller(wt, c["HEIGHT_CM"]),
    )
