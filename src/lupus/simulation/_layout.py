"""Array layout shared by the compiled model, the solver and the exporters (generated once;
edit together with ``_kernels.py``)."""

from __future__ import annotations

# fmt: off
STATES: tuple[tuple[str, str, str], ...] = (
    ('bel_depot', 'mg', 'belimumab SC depot (bioavailable amount)'),
    ('bel_central', 'mg', 'belimumab central compartment'),
    ('bel_periph', 'mg', 'belimumab peripheral compartment'),
    ('bel_eliminated', 'mg', 'belimumab eliminated (cumulative, for mass balance)'),
    ('ani_central', 'mg', 'anifrolumab central compartment, free plus IFNAR1-bound (QSS)'),
    ('ani_periph', 'mg', 'anifrolumab peripheral compartment'),
    ('ani_eliminated', 'mg', 'anifrolumab eliminated, linear plus target-mediated (cumulative)'),
    ('car_effector', 'cells/uL', 'CAR T effector cells (blood-equivalent)'),
    ('car_memory', 'cells/uL', 'CAR T memory-like cells (blood-equivalent)'),
    ('cyclophosphamide', 'mg', 'cyclophosphamide in the body'),
    ('fludarabine', 'mg', 'fludarabine in the body'),
    ('t_endo', '1', 'endogenous lymphocytes, fraction of baseline'),
    ('gc_effect', 'mg', 'glucocorticoid effect compartment (level = gc_k * amount, mg/day)'),
    ('hcq_effect', 'mg', 'hydroxychloroquine effect compartment (level = hcq_k * amount, mg/day)'),
    ('mmf_effect', 'mg', 'mycophenolate effect compartment (level = mmf_k * amount, mg/day)'),
    ('flare_trigger', 'AU', 'stochastic flare trigger (nuclear-antigen burst)'),
    ('baff_total', 'ng/mL', 'soluble BAFF/BLyS, free plus belimumab-bound'),
    ('b_precursor', '1', 'CD19+ marrow B precursors, fraction of baseline'),
    ('b_naive', 'cells/uL', 'transitional and naive B cells (blood)'),
    ('b_memory_blood', 'cells/uL', 'memory B cells in blood'),
    ('b_memory_tissue', 'cells/uL', 'memory B cells in tissue (blood-equivalent)'),
    ('plasmablasts', 'cells/uL', 'plasmablasts and short-lived plasma cells (CD19+)'),
    ('llpc', 'cells/uL', 'CD19-negative long-lived plasma cells (blood-equivalent)'),
    ('anti_dsdna', 'IU/mL', 'anti-dsDNA IgG'),
    ('igg', 'g/L', 'total serum IgG'),
    ('immune_complexes', 'AU', 'circulating and deposited immune complexes (1 = typical SLE)'),
    ('c3', 'g/L', 'serum C3'),
    ('c4', 'g/L', 'serum C4'),
    ('ifngs', 'fold', 'interferon gene signature, fold over healthy'),
    ('organ_renal', '1', 'renal inflammation index (0-1)'),
    ('organ_mucocutaneous', '1', 'skin and mucosa inflammation index (0-1)'),
    ('organ_musculoskeletal', '1', 'joint inflammation index (0-1)'),
    ('organ_haematological', '1', 'blood-count (haematological) activity index (0-1)'),
    ('organ_serosal', '1', 'serosal inflammation index (0-1)'),
    ('organ_neuropsychiatric', '1', 'nervous-system inflammation index (0-1)'),
    ('upcr', 'g/g', 'urine protein:creatinine ratio'),
    ('damage', 'SDI', 'cumulative organ damage (SLICC/ACR damage-index-like, continuous)'),
    ('autoreactivity', '1', 'autoreactive share of new plasmablasts (reset by B-cell depletion)'),
)
STATE_NAMES: tuple[str, ...] = tuple(s[0] for s in STATES)
NS = len(STATES)

S_BEL_DEPOT = 0
S_BEL_CENTRAL = 1
S_BEL_PERIPH = 2
S_BEL_ELIMINATED = 3
S_ANI_CENTRAL = 4
S_ANI_PERIPH = 5
S_ANI_ELIMINATED = 6
S_CAR_EFFECTOR = 7
S_CAR_MEMORY = 8
S_CYCLOPHOSPHAMIDE = 9
S_FLUDARABINE = 10
S_T_ENDO = 11
S_GC_EFFECT = 12
S_HCQ_EFFECT = 13
S_MMF_EFFECT = 14
S_FLARE_TRIGGER = 15
S_BAFF_TOTAL = 16
S_B_PRECURSOR = 17
S_B_NAIVE = 18
S_B_MEMORY_BLOOD = 19
S_B_MEMORY_TISSUE = 20
S_PLASMABLASTS = 21
S_LLPC = 22
S_ANTI_DSDNA = 23
S_IGG = 24
S_IMMUNE_COMPLEXES = 25
S_C3 = 26
S_C4 = 27
S_IFNGS = 28
S_ORGAN_RENAL = 29
S_ORGAN_MUCOCUTANEOUS = 30
S_ORGAN_MUSCULOSKELETAL = 31
S_ORGAN_HAEMATOLOGICAL = 32
S_ORGAN_SEROSAL = 33
S_ORGAN_NEUROPSYCHIATRIC = 34
S_UPCR = 35
S_DAMAGE = 36
S_AUTOREACTIVITY = 37

DERIVED_NAMES: tuple[str, ...] = (
    'bel_cl',
    'bel_v1',
    'bel_q',
    'bel_v2',
    'bel_ka',
    'bel_igg_exp',
    'igg_ref',
    'bel_nm',
    'bel_kd',
    'ani_cl',
    'ani_vc',
    'ani_q',
    'ani_vp',
    'ani_kss',
    'ani_r0',
    'ani_kint',
    'ani_tmax',
    'ani_tc50',
    'ani_nm',
    'ani_t0',
    'ani_ic50',
    'car_rho',
    'car_alpha',
    'car_beta',
    'car_kem',
    'car_ka',
    'car_kill',
    'car_ldboost',
    'car_agonly',
    'b_pre_ag',
    'cyc_k',
    'cyc_kill',
    'flu_k',
    'flu_kill',
    'cyto_ll',
    't_rec',
    'gc_k',
    'gc_emax',
    'gc_ed50',
    'hcq_k',
    'hcq_emax',
    'hcq_ed50',
    'mmf_k',
    'mmf_emax',
    'mmf_ed50',
    'flare_k',
    'ifn_xb',
    'ifn_gic',
    'ifn_k',
    'g_max',
    'g_k',
    'g0',
    'baff_syn',
    'baff_kel',
    'baff_ksink',
    'b_sum0',
    'baff_ec50',
    'baff_eifn',
    'bel_block',
    'baff_lden',
    'sigma0',
    'b_pre_rec',
    'b_in',
    'nd_min',
    'nd_max',
    'b_act',
    'b_act_ifn',
    'f_mem',
    'f_pb',
    'm_death',
    'm_bt',
    'm_tb',
    'm_mob',
    'm_re',
    'pb_death',
    'pb_baff_w',
    'pb_ll',
    'll_death',
    'pb0',
    'adna_ppb',
    'adna_pll',
    'igg_qpb',
    'igg_qll',
    'igg_k',
    'ic_k',
    'ic_ref',
    'ag_base',
    'ag_fb',
    'c3_syn',
    'c3_k',
    'c3_kappa',
    'c4_syn',
    'c4_k',
    'c4_kappa',
    'org_koff',
    'org_basal',
    'kon_renal',
    'kon_muco',
    'kon_msk',
    'kon_heme',
    'kon_sero',
    'kon_neuro',
    'wic_renal',
    'wic_muco',
    'wic_msk',
    'wic_heme',
    'wic_sero',
    'wic_neuro',
    'wifn_renal',
    'wifn_muco',
    'wifn_msk',
    'wifn_heme',
    'wifn_sero',
    'wifn_neuro',
    'wpb_renal',
    'wpb_muco',
    'wpb_msk',
    'wpb_heme',
    'wpb_sero',
    'wpb_neuro',
    'upcr_base',
    'upcr_gain',
    'upcr_k',
    'dmg_k',
    'dmg_gc',
    'org_hill',
    'auto_rec',
    'org_ic_k',
    'bel_ec_local',
    'upcr_exp',
    'org_ic_n',
)
NP = len(DERIVED_NAMES)
P_BEL_CL = 0
P_BEL_V1 = 1
P_BEL_Q = 2
P_BEL_V2 = 3
P_BEL_KA = 4
P_BEL_IGG_EXP = 5
P_IGG_REF = 6
P_BEL_NM = 7
P_BEL_KD = 8
P_ANI_CL = 9
P_ANI_VC = 10
P_ANI_Q = 11
P_ANI_VP = 12
P_ANI_KSS = 13
P_ANI_R0 = 14
P_ANI_KINT = 15
P_ANI_TMAX = 16
P_ANI_TC50 = 17
P_ANI_NM = 18
P_ANI_T0 = 19
P_ANI_IC50 = 20
P_CAR_RHO = 21
P_CAR_ALPHA = 22
P_CAR_BETA = 23
P_CAR_KEM = 24
P_CAR_KA = 25
P_CAR_KILL = 26
P_CAR_LDBOOST = 27
P_CAR_AGONLY = 28
P_B_PRE_AG = 29
P_CYC_K = 30
P_CYC_KILL = 31
P_FLU_K = 32
P_FLU_KILL = 33
P_CYTO_LL = 34
P_T_REC = 35
P_GC_K = 36
P_GC_EMAX = 37
P_GC_ED50 = 38
P_HCQ_K = 39
P_HCQ_EMAX = 40
P_HCQ_ED50 = 41
P_MMF_K = 42
P_MMF_EMAX = 43
P_MMF_ED50 = 44
P_FLARE_K = 45
P_IFN_XB = 46
P_IFN_GIC = 47
P_IFN_K = 48
P_G_MAX = 49
P_G_K = 50
P_G0 = 51
P_BAFF_SYN = 52
P_BAFF_KEL = 53
P_BAFF_KSINK = 54
P_B_SUM0 = 55
P_BAFF_EC50 = 56
P_BAFF_EIFN = 57
P_BEL_BLOCK = 58
P_BAFF_LDEN = 59
P_SIGMA0 = 60
P_B_PRE_REC = 61
P_B_IN = 62
P_ND_MIN = 63
P_ND_MAX = 64
P_B_ACT = 65
P_B_ACT_IFN = 66
P_F_MEM = 67
P_F_PB = 68
P_M_DEATH = 69
P_M_BT = 70
P_M_TB = 71
P_M_MOB = 72
P_M_RE = 73
P_PB_DEATH = 74
P_PB_BAFF_W = 75
P_PB_LL = 76
P_LL_DEATH = 77
P_PB0 = 78
P_ADNA_PPB = 79
P_ADNA_PLL = 80
P_IGG_QPB = 81
P_IGG_QLL = 82
P_IGG_K = 83
P_IC_K = 84
P_IC_REF = 85
P_AG_BASE = 86
P_AG_FB = 87
P_C3_SYN = 88
P_C3_K = 89
P_C3_KAPPA = 90
P_C4_SYN = 91
P_C4_K = 92
P_C4_KAPPA = 93
P_ORG_KOFF = 94
P_ORG_BASAL = 95
P_KON_RENAL = 96
P_KON_MUCO = 97
P_KON_MSK = 98
P_KON_HEME = 99
P_KON_SERO = 100
P_KON_NEURO = 101
P_WIC_RENAL = 102
P_WIC_MUCO = 103
P_WIC_MSK = 104
P_WIC_HEME = 105
P_WIC_SERO = 106
P_WIC_NEURO = 107
P_WIFN_RENAL = 108
P_WIFN_MUCO = 109
P_WIFN_MSK = 110
P_WIFN_HEME = 111
P_WIFN_SERO = 112
P_WIFN_NEURO = 113
P_WPB_RENAL = 114
P_WPB_MUCO = 115
P_WPB_MSK = 116
P_WPB_HEME = 117
P_WPB_SERO = 118
P_WPB_NEURO = 119
P_UPCR_BASE = 120
P_UPCR_GAIN = 121
P_UPCR_K = 122
P_DMG_K = 123
P_DMG_GC = 124
P_ORG_HILL = 125
P_AUTO_REC = 126
P_ORG_IC_K = 127
P_BEL_EC_LOCAL = 128
P_UPCR_EXP = 129
P_ORG_IC_N = 130
# fmt: on
