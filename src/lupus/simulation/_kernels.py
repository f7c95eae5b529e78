"""Compiled kernels (numba): the model's right-hand side, its outputs and the batched solver.

They share one source file on purpose: numba's on-disk cache is invalidated only when the
function's own file changes, so the right-hand side and the solver that inlines it must live
together (and a change of ``_layout.py`` must come with a change here; bump KERNEL_VERSION).


Time in days; amounts in mg; concentrations in ug/mL (= mg/L); cells in cells/uL. Equations
are written out in ``docs/model.md``; parameters arrive as the per-patient derived vector ``p``
(layout in ``_layout.py``; built by ``_derive.py``). ``rin`` holds the zero-order input rate
into each state (infusions and background standard of care), in state units per day.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from lupus.simulation._layout import (
    NS,
    P_ADNA_PLL,
    P_ADNA_PPB,
    P_AG_BASE,
    P_AG_FB,
    P_ANI_CL,
    P_ANI_IC50,
    P_ANI_KINT,
    P_ANI_KSS,
    P_ANI_NM,
    P_ANI_Q,
    P_ANI_R0,
    P_ANI_T0,
    P_ANI_TC50,
    P_ANI_TMAX,
    P_ANI_VC,
    P_ANI_VP,
    P_AUTO_REC,
    P_B_ACT,
    P_B_ACT_IFN,
    P_B_IN,
    P_B_PRE_AG,
    P_B_PRE_REC,
    P_B_SUM0,
    P_BAFF_EC50,
    P_BAFF_EIFN,
    P_BAFF_KEL,
    P_BAFF_KSINK,
    P_BAFF_LDEN,
    P_BAFF_SYN,
    P_BEL_BLOCK,
    P_BEL_CL,
    P_BEL_EC_LOCAL,
    P_BEL_IGG_EXP,
    P_BEL_KA,
    P_BEL_KD,
    P_BEL_NM,
    P_BEL_Q,
    P_BEL_V1,
    P_BEL_V2,
    P_C3_K,
    P_C3_KAPPA,
    P_C3_SYN,
    P_C4_K,
    P_C4_KAPPA,
    P_C4_SYN,
    P_CAR_AGONLY,
    P_CAR_ALPHA,
    P_CAR_BETA,
    P_CAR_KA,
    P_CAR_KEM,
    P_CAR_KILL,
    P_CAR_LDBOOST,
    P_CAR_RHO,
    P_CYC_K,
    P_CYC_KILL,
    P_CYTO_LL,
    P_DMG_GC,
    P_DMG_K,
    P_F_MEM,
    P_F_PB,
    P_FLARE_K,
    P_FLU_K,
    P_FLU_KILL,
    P_G0,
    P_G_K,
    P_G_MAX,
    P_GC_ED50,
    P_GC_EMAX,
    P_GC_K,
    P_HCQ_ED50,
    P_HCQ_EMAX,
    P_HCQ_K,
    P_IC_K,
    P_IC_REF,
    P_IFN_GIC,
    P_IFN_K,
    P_IFN_XB,
    P_IGG_K,
    P_IGG_QLL,
    P_IGG_QPB,
    P_IGG_REF,
    P_KON_RENAL,
    P_LL_DEATH,
    P_M_BT,
    P_M_DEATH,
    P_M_MOB,
    P_M_RE,
    P_M_TB,
    P_MMF_ED50,
    P_MMF_EMAX,
    P_MMF_K,
    P_ND_MAX,
    P_ND_MIN,
    P_ORG_BASAL,
    P_ORG_HILL,
    P_ORG_IC_K,
    P_ORG_IC_N,
    P_ORG_KOFF,
    P_PB0,
    P_PB_BAFF_W,
    P_PB_DEATH,
    P_PB_LL,
    P_SIGMA0,
    P_T_REC,
    P_UPCR_BASE,
    P_UPCR_EXP,
    P_UPCR_GAIN,
    P_UPCR_K,
    P_WIC_RENAL,
    P_WIFN_RENAL,
    P_WPB_RENAL,
    S_ANI_CENTRAL,
    S_ANI_ELIMINATED,
    S_ANI_PERIPH,
    S_ANTI_DSDNA,
    S_AUTOREACTIVITY,
    S_B_MEMORY_BLOOD,
    S_B_MEMORY_TISSUE,
    S_B_NAIVE,
    S_B_PRECURSOR,
    S_BAFF_TOTAL,
    S_BEL_CENTRAL,
    S_BEL_DEPOT,
    S_BEL_ELIMINATED,
    S_BEL_PERIPH,
    S_C3,
    S_C4,
    S_CAR_EFFECTOR,
    S_CAR_MEMORY,
    S_CYCLOPHOSPHAMIDE,
    S_DAMAGE,
    S_FLARE_TRIGGER,
    S_FLUDARABINE,
    S_GC_EFFECT,
    S_HCQ_EFFECT,
    S_IFNGS,
    S_IGG,
    S_IMMUNE_COMPLEXES,
    S_LLPC,
    S_MMF_EFFECT,
    S_ORGAN_RENAL,
    S_PLASMABLASTS,
    S_T_ENDO,
    S_UPCR,
)

__all__ = ["NAUX", "NO", "OUTPUTS", "STATUS_MESSAGES", "aux", "observe", "rhs", "solve_batch"]

KERNEL_VERSION = 10
N_ORGANS = 6
S_IFN_REF = 0.2  # IFNAR signalling that counts as 1 in the organ drive (scale, assumed)

# Algebraic quantities (index into the aux vector).
A_CL_BEL = 0  # belimumab clearance now (L/day), IgG-dependent
A_C_BEL = 1  # belimumab concentration (ug/mL)
A_F_FREE = 2  # free fraction of soluble BAFF
A_C_ANI = 3  # free anifrolumab (ug/mL)
A_RC_ANI = 4  # IFNAR1-anifrolumab complex (nmol/L)
A_CL_ANI = 5  # anifrolumab linear clearance now (L/day)
A_S_EFF = 6  # IFNAR signalling after anifrolumab (0-1)
A_BAFF_FREE = 7
A_BAFF_EFF = 8
A_SIGMA = 9  # BAFF survival signal (0-1)
A_E_GC = 10
A_E_HCQ = 11
A_E_MMF = 12
A_K_CYTO = 13  # cytotoxic kill rate (1/day)
A_AG = 14  # nuclear-antigen load (1 = baseline)
A_D_MEAN = 15
A_PROD_BAFF = 16
A_CAR_KILL = 17  # CAR T kill rate of CD19+ cells (1/day)
A_GC_LEVEL = 18  # mg/day prednisone-equivalent
A_INHIB_ANI = 19  # inhibition of IFNAR signalling by anifrolumab (0-1)
NAUX = 20

# Outputs besides the states: (id, unit, meaning). Ids double as SBML assignment-rule ids.
OUTPUTS: tuple[tuple[str, str, str], ...] = (
    ("bel_conc", "ug/mL", "belimumab serum concentration"),
    ("ani_conc", "ug/mL", "free anifrolumab serum concentration"),
    ("baff_free", "ng/mL", "free soluble BAFF"),
    ("baff_bound", "ng/mL", "belimumab-bound soluble BAFF"),
    ("cd19_b_cells", "cells/uL", "CD19+ B cells in blood (naive + memory + plasmablasts)"),
    ("car_t_cells", "cells/uL", "CAR T cells (effector + memory)"),
    ("ifn_signalling", "1", "type I IFN receptor signalling after anifrolumab (0-1)"),
    ("ifngs_neutralisation", "%", "IFNGS neutralisation from baseline, 100*(G0-G)/(G0-1)"),
    ("gc_level", "mg/day", "glucocorticoid effect level, prednisone-equivalent"),
    ("organ_activity", "1", "mean of the six organ inflammation indices"),
)


@njit(cache=True, fastmath=False)
def aux(t: float, y: np.ndarray, p: np.ndarray, a: np.ndarray) -> None:
    """Algebraic quantities shared by the right-hand side and the outputs."""
    # belimumab: clearance scales with the IgG state (Zhou 2021 exponent, FcRn competition)
    # (the power is skipped while no belimumab is in the central compartment: every term
    # that uses the clearance is then zero)
    c_bel = max(y[S_BEL_CENTRAL], 0.0) / p[P_BEL_V1]
    if c_bel > 0.0:
        igg = max(y[S_IGG], 1e-6)
        cl_b = p[P_BEL_CL] * (igg / p[P_IGG_REF]) ** p[P_BEL_IGG_EXP]
    else:
        cl_b = p[P_BEL_CL]
    a[A_CL_BEL] = cl_b
    a[A_C_BEL] = c_bel
    f_free = p[P_BEL_KD] / (p[P_BEL_KD] + c_bel * p[P_BEL_NM])
    a[A_F_FREE] = f_free
    # anifrolumab: quasi-steady-state TMDD, total drug in central, constant total IFNAR1
    # (skipped while no anifrolumab is in the body: the terms are then exactly zero)
    kss = p[P_ANI_KSS]
    r0 = p[P_ANI_R0]
    ctot = max(y[S_ANI_CENTRAL], 0.0) / p[P_ANI_VC] * p[P_ANI_NM]
    if ctot > 0.0:
        b = ctot - r0 - kss
        disc = math.sqrt(b * b + 4.0 * kss * ctot)
        if b >= 0.0:
            cfree = 0.5 * (b + disc)
        elif disc - b > 0.0:
            cfree = 2.0 * kss * ctot / (disc - b)
        else:
            cfree = 0.0
        tt = max(t - p[P_ANI_T0], 0.0)
        a[A_CL_ANI] = p[P_ANI_CL] * math.exp(p[P_ANI_TMAX] * tt / (p[P_ANI_TC50] + tt))
    else:
        cfree = 0.0
        a[A_CL_ANI] = p[P_ANI_CL]
    a[A_C_ANI] = cfree / p[P_ANI_NM]
    a[A_RC_ANI] = r0 * cfree / (kss + cfree)
    # standard of care effect levels (Emax)
    gc_level = p[P_GC_K] * max(y[S_GC_EFFECT], 0.0)
    a[A_GC_LEVEL] = gc_level
    a[A_E_GC] = p[P_GC_EMAX] * gc_level / (p[P_GC_ED50] + gc_level)
    hcq = p[P_HCQ_K] * max(y[S_HCQ_EFFECT], 0.0)
    a[A_E_HCQ] = p[P_HCQ_EMAX] * hcq / (p[P_HCQ_ED50] + hcq)
    mmf = p[P_MMF_K] * max(y[S_MMF_EFFECT], 0.0)
    a[A_E_MMF] = p[P_MMF_EMAX] * mmf / (p[P_MMF_ED50] + mmf)
    a[A_K_CYTO] = p[P_CYC_KILL] * max(y[S_CYCLOPHOSPHAMIDE], 0.0) + p[P_FLU_KILL] * max(
        y[S_FLUDARABINE], 0.0
    )
    # organ activity feeds nuclear antigen back
    dsum = 0.0
    for k in range(N_ORGANS):
        dsum += y[S_ORGAN_RENAL + k]
    d_mean = dsum / N_ORGANS
    a[A_D_MEAN] = d_mean
    a[A_AG] = p[P_AG_BASE] * (1.0 + p[P_AG_FB] * d_mean) + max(y[S_FLARE_TRIGGER], 0.0)
    # type I IFN signalling: IC-driven plus basal drive, lowered by HCQ, blocked by anifrolumab
    x = (p[P_IFN_XB] + p[P_IFN_GIC] * max(y[S_IMMUNE_COMPLEXES], 0.0)) * (1.0 - a[A_E_HCQ])
    s = x / (p[P_IFN_K] + x)
    inhib = a[A_C_ANI] / (p[P_ANI_IC50] + a[A_C_ANI])
    a[A_INHIB_ANI] = inhib
    s_eff = s * (1.0 - inhib)
    a[A_S_EFF] = s_eff
    # BAFF: free fraction from rapid equilibrium with belimumab (drug in large excess)
    baff_t = max(y[S_BAFF_TOTAL], 0.0)
    baff_free = f_free * baff_t
    a[A_BAFF_FREE] = baff_free
    prod = p[P_BAFF_SYN] * (1.0 + p[P_BAFF_EIFN] * s_eff)
    a[A_PROD_BAFF] = prod
    # tissue-niche BAFF (share 1 - bel_block) is reached by belimumab at a fraction of its serum
    # concentration: neutralised with half-effect at serum bel_local_ec50 (the dose response)
    baff_local = prod / p[P_BAFF_LDEN] * p[P_BEL_EC_LOCAL] / (p[P_BEL_EC_LOCAL] + c_bel)
    baff_eff = p[P_BEL_BLOCK] * baff_free + (1.0 - p[P_BEL_BLOCK]) * baff_local
    a[A_BAFF_EFF] = baff_eff
    a[A_SIGMA] = baff_eff / (p[P_BAFF_EC50] + baff_eff)
    a[A_CAR_KILL] = p[P_CAR_KILL] * max(y[S_CAR_EFFECTOR], 0.0)


@njit(cache=True, fastmath=False)
def rhs(
    t: float, y: np.ndarray, p: np.ndarray, rin: np.ndarray, a: np.ndarray, dy: np.ndarray
) -> None:
    """dy/dt of one patient (no allocation: ``a`` and ``dy`` are scratch arrays)."""
    aux(t, y, p, a)
    # ---- belimumab, two-compartment with SC depot
    v1 = p[P_BEL_V1]
    v2 = p[P_BEL_V2]
    q = p[P_BEL_Q]
    k10 = a[A_CL_BEL] / v1
    ka = p[P_BEL_KA]
    absorb = ka * y[S_BEL_DEPOT]
    dist_b = q * (y[S_BEL_CENTRAL] / v1 - y[S_BEL_PERIPH] / v2)
    dy[S_BEL_DEPOT] = rin[S_BEL_DEPOT] - absorb
    dy[S_BEL_CENTRAL] = rin[S_BEL_CENTRAL] + absorb - k10 * y[S_BEL_CENTRAL] - dist_b
    dy[S_BEL_PERIPH] = dist_b
    dy[S_BEL_ELIMINATED] = k10 * y[S_BEL_CENTRAL]
    # ---- anifrolumab QSS-TMDD (mass units; complex internalised at kint)
    c_ani = a[A_C_ANI]
    elim_a = a[A_CL_ANI] * c_ani + p[P_ANI_KINT] * a[A_RC_ANI] / p[P_ANI_NM] * p[P_ANI_VC]
    dist_a = p[P_ANI_Q] * (c_ani - y[S_ANI_PERIPH] / p[P_ANI_VP])
    dy[S_ANI_CENTRAL] = rin[S_ANI_CENTRAL] - elim_a - dist_a
    dy[S_ANI_PERIPH] = dist_a
    dy[S_ANI_ELIMINATED] = elim_a
    # ---- cytotoxics, lymphodepletion, standard of care, flare trigger
    kcyto = a[A_K_CYTO]
    dy[S_CYCLOPHOSPHAMIDE] = rin[S_CYCLOPHOSPHAMIDE] - p[P_CYC_K] * y[S_CYCLOPHOSPHAMIDE]
    dy[S_FLUDARABINE] = rin[S_FLUDARABINE] - p[P_FLU_K] * y[S_FLUDARABINE]
    dy[S_T_ENDO] = p[P_T_REC] * (1.0 - y[S_T_ENDO]) - kcyto * y[S_T_ENDO]
    dy[S_GC_EFFECT] = rin[S_GC_EFFECT] - p[P_GC_K] * y[S_GC_EFFECT]
    dy[S_HCQ_EFFECT] = rin[S_HCQ_EFFECT] - p[P_HCQ_K] * y[S_HCQ_EFFECT]
    dy[S_MMF_EFFECT] = rin[S_MMF_EFFECT] - p[P_MMF_K] * y[S_MMF_EFFECT]
    dy[S_FLARE_TRIGGER] = rin[S_FLARE_TRIGGER] - p[P_FLARE_K] * y[S_FLARE_TRIGGER]
    # ---- CAR T: antigen-driven expansion, contraction, memory
    nb = y[S_B_NAIVE]
    mbb = y[S_B_MEMORY_BLOOD]
    mbt = y[S_B_MEMORY_TISSUE]
    pb = y[S_PLASMABLASTS]
    pre = y[S_B_PRECURSOR]
    load = max(nb + mbb + mbt + pb + p[P_B_PRE_AG] * pre, 0.0)
    fa = load / (p[P_CAR_KA] + load)
    boost = p[P_CAR_AGONLY] + p[P_CAR_LDBOOST] * max(1.0 - y[S_T_ENDO], 0.0)
    e = y[S_CAR_EFFECTOR]
    dy[S_CAR_EFFECTOR] = (
        rin[S_CAR_EFFECTOR] + (p[P_CAR_RHO] * fa * boost - p[P_CAR_ALPHA] - p[P_CAR_KEM]) * e
    )
    dy[S_CAR_MEMORY] = p[P_CAR_KEM] * e - p[P_CAR_BETA] * y[S_CAR_MEMORY]
    kill = a[A_CAR_KILL] + kcyto
    # ---- BAFF (total soluble): free part cleared fast and by the B-cell sink, bound part
    #      cleared with belimumab
    f_free = a[A_F_FREE]
    baff_t = y[S_BAFF_TOTAL]
    sink = p[P_BAFF_KSINK] * max(nb + mbb, 0.0) / p[P_B_SUM0]
    dy[S_BAFF_TOTAL] = (
        a[A_PROD_BAFF] - (p[P_BAFF_KEL] + sink) * f_free * baff_t - k10 * (1.0 - f_free) * baff_t
    )
    # ---- B cells
    s_eff = a[A_S_EFF]
    sigma = a[A_SIGMA]
    ag = a[A_AG]
    e_gc = a[A_E_GC]
    e_mmf = a[A_E_MMF]
    dy[S_B_PRECURSOR] = p[P_B_PRE_REC] * (1.0 - pre) - kill * pre
    d_naive = p[P_ND_MIN] + (p[P_ND_MAX] - p[P_ND_MIN]) * (1.0 - sigma)
    act = p[P_B_ACT] * (1.0 + p[P_B_ACT_IFN] * s_eff) * (1.0 - e_gc) * (1.0 - e_mmf) * ag * nb
    dy[S_B_NAIVE] = p[P_B_IN] * pre - d_naive * nb - act - kill * nb
    to_blood = p[P_M_TB] * (1.0 + p[P_M_MOB] * (1.0 - f_free))
    restim = p[P_M_RE] * ag
    dy[S_B_MEMORY_BLOOD] = (
        p[P_F_MEM] * act + to_blood * mbt - (p[P_M_BT] + p[P_M_DEATH] + restim + kill) * mbb
    )
    dy[S_B_MEMORY_TISSUE] = p[P_M_BT] * mbb - (to_blood + p[P_M_DEATH] + restim + kill) * mbt
    pb_supply = (1.0 - p[P_PB_BAFF_W]) + p[P_PB_BAFF_W] * sigma / p[P_SIGMA0]
    dy[S_PLASMABLASTS] = (p[P_F_PB] * act + restim * (1.0 - e_mmf) * (mbb + mbt)) * pb_supply - (
        p[P_PB_DEATH] + p[P_PB_LL] + kill
    ) * pb
    dy[S_LLPC] = p[P_PB_LL] * pb - (p[P_LL_DEATH] + p[P_CYTO_LL] * kcyto) * y[S_LLPC]
    # ---- antibodies, immune complexes, complement, IFN gene signature
    ll = y[S_LLPC]
    # autoreactive share of new plasmablasts: B-cell depletion (CAR T, cytotoxics) removes the
    # autoreactive clones, which return only slowly ("immune reset", Mackensen 2022)
    auto = max(y[S_AUTOREACTIVITY], 0.0)
    dy[S_AUTOREACTIVITY] = p[P_AUTO_REC] * (1.0 - auto) - kill * auto
    dy[S_ANTI_DSDNA] = p[P_ADNA_PPB] * pb * auto + p[P_ADNA_PLL] * ll - p[P_IGG_K] * y[S_ANTI_DSDNA]
    dy[S_IGG] = p[P_IGG_QPB] * pb + p[P_IGG_QLL] * ll - p[P_IGG_K] * y[S_IGG]
    ic = y[S_IMMUNE_COMPLEXES]
    dy[S_IMMUNE_COMPLEXES] = p[P_IC_K] * (y[S_ANTI_DSDNA] * ag / p[P_IC_REF] - ic)
    dy[S_C3] = p[P_C3_SYN] - (p[P_C3_K] + p[P_C3_KAPPA] * ic) * y[S_C3]
    dy[S_C4] = p[P_C4_SYN] - (p[P_C4_K] + p[P_C4_KAPPA] * ic) * y[S_C4]
    dy[S_IFNGS] = p[P_G_K] * (1.0 + p[P_G_MAX] * s_eff - y[S_IFNGS])
    # ---- organ inflammation (logistic production, first-order resolution), proteinuria, damage
    pb_rel = pb * auto / p[P_PB0]
    s_rel = s_eff / S_IFN_REF
    # immune-complex drive is sigmoid in the load (deposition beyond clearance capacity,
    # saturable tissue engagement): 1 at the typical load of 1 AU, x^n*(1 + K^n)/(x^n + K^n);
    # n = 1 and large K = linear (parameters.toml organ_ic_saturation, organ_ic_hill)
    ic_n = max(ic, 0.0)
    k_n = p[P_ORG_IC_K]
    if p[P_ORG_IC_N] != 1.0:
        ic_n = ic_n ** p[P_ORG_IC_N]
        k_n = k_n ** p[P_ORG_IC_N]
    ic_drive = ic_n * (1.0 + k_n) / (ic_n + k_n)
    dmg = 0.0
    for k in range(N_ORGANS):
        dk = y[S_ORGAN_RENAL + k]
        drive = (
            p[P_ORG_BASAL]
            + p[P_WIC_RENAL + k] * ic_drive
            + p[P_WIFN_RENAL + k] * s_rel
            + p[P_WPB_RENAL + k] * pb_rel
        )
        # cooperative drive: drive^org_hill (1 = linear; see parameters.toml organ_drive_hill)
        if p[P_ORG_HILL] != 1.0:
            drive = max(drive, 0.0) ** p[P_ORG_HILL]
        dy[S_ORGAN_RENAL + k] = (
            p[P_KON_RENAL + k] * drive * (1.0 - dk) * (1.0 - e_gc) - p[P_ORG_KOFF] * dk
        )
        dmg += dk * dk
    # proteinuria is convex in glomerular inflammation (upcr_exponent; 1 = proportional)
    renal = max(y[S_ORGAN_RENAL], 0.0)
    if p[P_UPCR_EXP] != 1.0:
        renal = renal ** p[P_UPCR_EXP]
    dy[S_UPCR] = p[P_UPCR_K] * (p[P_UPCR_BASE] + p[P_UPCR_GAIN] * renal - y[S_UPCR])
    dy[S_DAMAGE] = p[P_DMG_K] * dmg + p[P_DMG_GC] * a[A_GC_LEVEL]


@njit(cache=True, fastmath=False)
def observe(t: float, y: np.ndarray, p: np.ndarray, a: np.ndarray, out: np.ndarray) -> None:
    """The algebraic outputs listed in :data:`OUTPUTS` for one time point."""
    aux(t, y, p, a)
    baff_t = max(y[S_BAFF_TOTAL], 0.0)
    out[0] = a[A_C_BEL]
    out[1] = a[A_C_ANI]
    out[2] = a[A_BAFF_FREE]
    out[3] = baff_t - a[A_BAFF_FREE]
    out[4] = y[S_B_NAIVE] + y[S_B_MEMORY_BLOOD] + y[S_PLASMABLASTS]
    out[5] = y[S_CAR_EFFECTOR] + y[S_CAR_MEMORY]
    out[6] = a[A_S_EFF]
    g0 = p[P_G0]
    out[7] = 100.0 * (g0 - y[S_IFNGS]) / (g0 - 1.0) if g0 > 1.0 + 1e-9 else 0.0
    out[8] = a[A_GC_LEVEL]
    out[9] = a[A_D_MEAN]


# ----------------------------------------------------------------------
# Batched solver.
# Batched adaptive Dormand-Prince 5(4) integration, compiled with numba.
#
# The patient loop runs inside compiled code (``prange`` over patients). Each patient is
# integrated segment by segment between its dose events and the output times, so every dose
# (bolus, infusion start or stop, depot dose, cell infusion) is an exact discontinuity: the
# solver never steps across one. Outputs at a dose time are recorded before the dose (troughs).
# A patient whose solve fails gets a status code and NaN outputs from that time on; the others
# are unaffected.

NO = len(OUTPUTS)


NO = len(OUTPUTS)

OK = 0
MAX_STEPS = 1
STEP_TOO_SMALL = 2
NON_FINITE = 3
STATUS_MESSAGES = (
    "ok",
    "maximum number of steps reached; raise max_steps or loosen rtol",
    "step size underflow; the problem is too stiff or a parameter is extreme",
    "non-finite state; a parameter is out of its valid range",
)

# Dormand & Prince (1980) 5(4) coefficients.
C2, C3, C4, C5 = 1 / 5, 3 / 10, 4 / 5, 8 / 9
A21 = 1 / 5
A31, A32 = 3 / 40, 9 / 40
A41, A42, A43 = 44 / 45, -56 / 15, 32 / 9
A51, A52, A53, A54 = 19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729
A61, A62, A63, A64, A65 = 9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656
B1, B3, B4, B5, B6 = 35 / 384, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84
# Dense-output coefficients of dopri5 (Hairer, Norsett & Wanner, Solving ODEs I, contd5).
D1 = -12715105075 / 11282082432
D3 = 87487479700 / 32700410799
D4 = -10690763975 / 1880347072
D5 = 701980252875 / 199316789632
D6 = -1453857185 / 822651844
D7 = 69997945 / 29380423
E1, E3, E4, E5, E6, E7 = (
    71 / 57600,
    -71 / 16695,
    71 / 1920,
    -17253 / 339200,
    22 / 525,
    -1 / 40,
)


@njit(cache=True)
def _record(
    i: int,
    io: int,
    t: float,
    y: np.ndarray,
    p: np.ndarray,
    a: np.ndarray,
    obs: np.ndarray,
    states_out: np.ndarray,
    obs_out: np.ndarray,
) -> None:
    # every state is non-negative; the dense-output interpolant can undershoot zero by about
    # the local error tolerance next to a state that decays to zero, so recorded values are
    # clipped at 0 (the integration itself is not changed)
    for j in range(y.shape[0]):
        states_out[i, io, j] = y[j] if y[j] > 0.0 else 0.0
    observe(t, y, p, a, obs)
    for j in range(obs.shape[0]):
        obs_out[i, io, j] = obs[j]


@njit(cache=True)
def _integrate(
    t: float,
    t_end: float,
    y: np.ndarray,
    p: np.ndarray,
    rin: np.ndarray,
    atol: np.ndarray,
    rtol: float,
    h_try: float,
    k: np.ndarray,
    ytmp: np.ndarray,
    ynew: np.ndarray,
    a: np.ndarray,
    fsal: bool,
    steps: int,
    max_steps: int,
    i: int,
    io: int,
    t_out: np.ndarray,
    obs: np.ndarray,
    states_out: np.ndarray,
    obs_out: np.ndarray,
) -> tuple[int, float, int, bool, int]:
    """Advance y from t to t_end in place, recording the outputs that fall inside accepted
    steps by the method's 4th-order dense output (Hairer, Norsett & Wanner, dopri5 contd5), so
    output times never shorten steps. Returns (status, next step, steps, fsal valid, io)."""
    n = y.shape[0]
    nt = t_out.shape[0]
    k1 = k[0]
    k2 = k[1]
    k3 = k[2]
    k4 = k[3]
    k5 = k[4]
    k6 = k[5]
    k7 = k[6]
    if not fsal:
        rhs(t, y, p, rin, a, k1)
    while t < t_end:
        if steps >= max_steps:
            return MAX_STEPS, h_try, steps, False, io
        remaining = t_end - t
        clipped = h_try >= remaining
        h = remaining if clipped else h_try
        for j in range(n):
            ytmp[j] = y[j] + h * A21 * k1[j]
        rhs(t + C2 * h, ytmp, p, rin, a, k2)
        for j in range(n):
            ytmp[j] = y[j] + h * (A31 * k1[j] + A32 * k2[j])
        rhs(t + C3 * h, ytmp, p, rin, a, k3)
        for j in range(n):
            ytmp[j] = y[j] + h * (A41 * k1[j] + A42 * k2[j] + A43 * k3[j])
        rhs(t + C4 * h, ytmp, p, rin, a, k4)
        for j in range(n):
            ytmp[j] = y[j] + h * (A51 * k1[j] + A52 * k2[j] + A53 * k3[j] + A54 * k4[j])
        rhs(t + C5 * h, ytmp, p, rin, a, k5)
        for j in range(n):
            ytmp[j] = y[j] + h * (
                A61 * k1[j] + A62 * k2[j] + A63 * k3[j] + A64 * k4[j] + A65 * k5[j]
            )
        rhs(t + h, ytmp, p, rin, a, k6)
        for j in range(n):
            ynew[j] = y[j] + h * (B1 * k1[j] + B3 * k3[j] + B4 * k4[j] + B5 * k5[j] + B6 * k6[j])
        t_new = t_end if clipped else t + h
        rhs(t_new, ynew, p, rin, a, k7)
        steps += 1
        acc = 0.0
        for j in range(n):
            ej = h * (E1 * k1[j] + E3 * k3[j] + E4 * k4[j] + E5 * k5[j] + E6 * k6[j] + E7 * k7[j])
            sc = atol[j] + rtol * max(abs(y[j]), abs(ynew[j]))
            acc += (ej / sc) ** 2
        err = math.sqrt(acc / n)
        if not math.isfinite(err):
            h_try = 0.1 * h
            if h_try < 1e-14 * max(1.0, abs(t)):
                return NON_FINITE, h_try, steps, False, io
            continue
        if err <= 1.0:
            fac = 5.0 if err == 0.0 else min(5.0, max(0.2, 0.9 * err**-0.2))
            # outputs inside (t, t_new]: dense output; exactly at t_new: the step's end value
            tol = 1e-10 * max(1.0, abs(t_new))
            while io < nt and t_out[io] <= t_new + tol:
                if t_out[io] >= t_new - tol:
                    _record(i, io, t_new, ynew, p, a, obs, states_out, obs_out)
                else:
                    th = (t_out[io] - t) / h
                    th1 = 1.0 - th
                    for j in range(n):
                        dy = ynew[j] - y[j]
                        bspl = h * k1[j] - dy
                        r5 = h * (
                            D1 * k1[j]
                            + D3 * k3[j]
                            + D4 * k4[j]
                            + D5 * k5[j]
                            + D6 * k6[j]
                            + D7 * k7[j]
                        )
                        ytmp[j] = y[j] + th * (
                            dy + th1 * (bspl + th * (dy - h * k7[j] - bspl + th1 * r5))
                        )
                    _record(i, io, t_out[io], ytmp, p, a, obs, states_out, obs_out)
                io += 1
            t = t_new
            for j in range(n):
                y[j] = ynew[j]
                k1[j] = k7[j]
            if clipped and fac < 1.0:
                h_try = h * fac
            elif not clipped:
                h_try = h * fac
        else:
            h_try = h * max(0.2, 0.9 * err**-0.2)
            if h_try < 1e-12 * max(1.0, abs(t)):
                return STEP_TOO_SMALL, h_try, steps, False, io
    return OK, h_try, steps, True, io


@njit(cache=True)
def _solve_one(
    i: int,
    y0: np.ndarray,
    p: np.ndarray,
    base_rate: np.ndarray,
    ev_ptr: np.ndarray,
    ev_time: np.ndarray,
    ev_state: np.ndarray,
    ev_amount: np.ndarray,
    ev_rate: np.ndarray,
    t_start: float,
    t_out: np.ndarray,
    atol: np.ndarray,
    rtol: float,
    h0: float,
    max_steps: int,
    states_out: np.ndarray,
    obs_out: np.ndarray,
) -> tuple[int, int]:
    # each patient starts at its own first event or the first output time, whichever is first
    if ev_ptr[i + 1] > ev_ptr[i]:
        t_start = min(t_start, ev_time[ev_ptr[i]])
    y = y0.copy()
    rin = base_rate.copy()
    k = np.empty((7, NS))
    ytmp = np.empty(NS)
    ynew = np.empty(NS)
    a = np.empty(NAUX)
    obs = np.empty(NO)
    nt = t_out.shape[0]
    t = t_start
    ie = ev_ptr[i]
    iend = ev_ptr[i + 1]
    io = 0
    h = h0
    steps = 0
    fsal = False
    status = OK
    while True:
        tol = 1e-10 * max(1.0, abs(t))
        while io < nt and t_out[io] <= t + tol:
            _record(i, io, t, y, p, a, obs, states_out, obs_out)
            io += 1
        while ie < iend and ev_time[ie] <= t + tol:
            s = ev_state[ie]
            y[s] += ev_amount[ie]
            if ev_rate[ie] != 0.0:
                rin[s] += ev_rate[ie]
                if abs(rin[s] - base_rate[s]) <= 1e-9 * abs(ev_rate[ie]):
                    rin[s] = base_rate[s]
            ie += 1
            fsal = False
        if io >= nt:
            break
        t_next = t_out[nt - 1]
        if ie < iend and ev_time[ie] < t_next:
            t_next = ev_time[ie]
        status, h, steps, fsal, io = _integrate(
            t,
            t_next,
            y,
            p,
            rin,
            atol,
            rtol,
            h,
            k,
            ytmp,
            ynew,
            a,
            fsal,
            steps,
            max_steps,
            i,
            io,
            t_out,
            obs,
            states_out,
            obs_out,
        )
        if status != OK:
            for r in range(io, nt):
                for j in range(NS):
                    states_out[i, r, j] = np.nan
                for j in range(NO):
                    obs_out[i, r, j] = np.nan
            break
        t = t_next
    return status, steps


@njit(cache=True, parallel=True)
def solve_batch(
    y0: np.ndarray,
    p: np.ndarray,
    base_rate: np.ndarray,
    ev_ptr: np.ndarray,
    ev_time: np.ndarray,
    ev_state: np.ndarray,
    ev_amount: np.ndarray,
    ev_rate: np.ndarray,
    t_first: float,
    t_out: np.ndarray,
    atol: np.ndarray,
    rtol: float,
    h0: float,
    max_steps: int,
    states_out: np.ndarray,
    obs_out: np.ndarray,
    status: np.ndarray,
    steps: np.ndarray,
) -> None:
    """Integrate every patient (rows of y0/p) over the shared output grid ``t_out``.

    Patient i starts at min(t_first, its first event time) from ``y0[i]``."""
    n = y0.shape[0]
    for i in prange(n):
        st, ns = _solve_one(
            i,
            y0[i],
            p[i],
            base_rate[i],
            ev_ptr,
            ev_time,
            ev_state,
            ev_amount,
            ev_rate,
            t_first,
            t_out,
            atol,
            rtol,
            h0,
            max_steps,
            states_out,
            obs_out,
        )
        status[i] = st
        steps[i] = ns
