"""The claim registry: every statement of the paper, what encodes it, and its quick check.

Each :class:`Claim` has an ID (our labels of the paper's statements: P1, T1, C1, ...), the statement,
where it stands in the paper, the public functions that encode it and, once encoded, a *quick check*:
a function ``check() -> ClaimResult`` (named by a ``"module:function"`` string) that measures the
number(s) the statement predicts and compares them with an independent expected value or with the
paper's number. Each result carries a :class:`Scope` (what the check can show) and a :class:`Verdict`
whose word must fit it (:data:`ALLOWED`).

``python -m claims`` runs every quick check and writes ``paper_checks.md`` (see :mod:`claims.report`).
Tests are tied to claims with the ``@pytest.mark.claim("ID", ...)`` marker; the report lists them by
scanning ``tests/``.

A claim whose ``check`` is ``None`` is reported, honestly, as *not yet encoded*.
"""

from __future__ import annotations

import time

from claims._types import ALLOWED, VERDICT_MEANINGS, Claim, ClaimResult, Scope, Verdict

__all__ = [
    "ALLOWED",
    "CLAIMS",
    "VERDICT_MEANINGS",
    "Claim",
    "ClaimResult",
    "Scope",
    "Verdict",
    "get_claim",
    "run_check",
]


def _table(
    id_: str, title: str, statement: str, where: str, check: str | None = None, code=(), reads=("table1",)
) -> Claim:
    return Claim(id_, title, statement, where, code=tuple(code), check=check, reads=tuple(reads))


_TAB1_CODE = ("train.tables.table1", "train.loop.fit", "train.evaluate.evaluate", "train.objectives.infonce")

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "P1",
        "Alignment bound",
        "E_pi[u.v] <= eta2 + (1 - eta2) ||m(mu)||^2 with eta2 = rho_m(X, X0)^2 (HGR).",
        "Prop. 1, Eq. 5",
        code=(
            "theory.alignment.alignment_bound",
            "theory.alignment.alignment_exact",
            "theory.alignment.estimate_alignment",
            "theory.alignment.estimate_mean_sq_norm",
            "theory.alignment.hgr_encoder",
            "theory.alignment.max_alignment",
            "theory.hgr.hgr_discrete",
            "theory.hgr.hgr_gaussian",
            "theory.hgr.hgr_density",
            "theory.hgr.hgr_label_posterior",
            "theory.hgr.hgr_ace",
            "theory.hgr.hgr_tensorize",
            "theory.hgr.eta2_gaussian_channel",
            "theory.hgr.eta2_laplace_channel",
            "theory.hgr.eta2_gmm_pairing",
            "theory.hgr.eta2_binary_pairing",
        ),
        check="claims.checks.alignment:check_P1",
    ),
    Claim(
        "T1",
        "Uniform law minimises Phi",
        "Phi(mu) >= Phi(sigma) for every probability mu on S^{d-1}, equality only at sigma; "
        "Phi(sigma) = log[Gamma(d/2) (2/alpha)^{d/2-1} I_{d/2-1}(alpha)].",
        "Lemma 2 (Wang & Isola 2020)",
        code=(
            "theory.uniformity.phi",
            "theory.uniformity.phi_uniform",
            "theory.uniformity.phi_estimate",
            "theory.uniformity.phi_vmf",
            "theory.uniformity.phi_vmf_mixture",
            "theory.uniformity.minimize_phi_discrete",
            "theory.uniformity.phi_uniform_sympy_d3",
            "theory.special.log_iv",
        ),
        check="claims.checks.uniformity:check_T1",
        reads=("t1",),
    ),
    Claim(
        "C1",
        "Plateau route",
        "With alignment at a plateau E[u.v] = eta2 + r_plat, minimising L is minimising Phi, so "
        "mu* = sigma and sqrt(d) u_k => N(0, I_k) as d -> infinity.",
        "Assumption 1, Corollary 1",
        code=(
            "theory.infonce.infonce_loss",
            "theory.infonce.population_loss",
            "theory.infonce.population_loss_vmf_coupling",
            "theory.infonce.infonce_convergence",
            "theory.infonce.infonce_bias_first_order",
        ),
        check="claims.checks.uniformity:check_C1",
        reads=("c1",),
    ),
    Claim(
        "P2",
        "Unnormalised thin shell",
        "If ||z||/r0 -> 1 and u ~ sigma then sqrt(d) z_k => N(0, r0^2 I_k).",
        "Assumption 2, Prop. 2",
        code=(
            "theory.sphere.shell_projection_tv",
            "theory.sphere.shell_tv_leading",
            "theory.sphere.mc_shell_tv",
            "theory.symbolic.shell_mixture_expansion",
        ),
        check="claims.checks.sphere:check_P2",
    ),
    Claim(
        "R",
        "Regularised objective",
        "J(f) = Phi(mu) - alpha E[u.v] + beta(-H(rho) + lam E||z||^2) equals "
        "Phi - alpha E[u.v] + beta KL(rho || gamma) up to a constant, gamma ~ exp(-lam ||z||^2).",
        "Sec. 4.2",
        code=(
            "theory.regularized.regularized_penalty",
            "theory.regularized.log_partition_gaussian",
            "theory.regularized.gaussian_kl",
        ),
        check="claims.checks.regularized:check_R",
    ),
    Claim(
        "P3",
        "Optimal radial part",
        "The optimal radial law is gamma's, and then KL(rho || gamma) = KL(mu || sigma).",
        "Prop. 3",
        code=(
            "theory.regularized.gaussian_polar_sample",
            "theory.regularized.kl_polar_vmf_chi",
            "theory.regularized.kl_scaled_chi",
        ),
        check="claims.checks.regularized:check_P3",
    ),
    Claim(
        "L1",
        "KL controls the mean",
        "KL(mu || sigma) >= C (d-1) ||m(mu)||^2 for d >= 2 with a universal constant C > 0.",
        "Lemma 1",
        code=(
            "theory.regularized.lemma1_constant",
            "theory.vmf.kl_vmf_uniform",
            "theory.vmf.mean_resultant_length",
        ),
        check="claims.checks.regularized:check_L1",
    ),
    Claim(
        "T2",
        "Regularised route optimum",
        "For beta >= beta0 = alpha (1 - eta2)/(C (d-1)): J~(sigma) - inf J~ <= alpha delta(d), "
        "delta(d) = eta2 - Align(sigma); J~(sigma) = min J~ when Align(sigma) = eta2.",
        "Theorem 1",
        code=(
            "theory.regularized.reduced_objective_vmf",
            "theory.regularized.theorem1_vmf",
            "theory.regularized.beta0",
            "theory.regularized.beta_threshold_vmf",
            "theory.alignment.alignment_bound",
            "theory.zonal.beta_threshold",
            "theory.studies.zonal_map.zonal_map",
        ),
        check="claims.checks.regularized:check_T2",
        reads=("langevin", "langevin-n", "zonal-map"),
    ),
    Claim(
        "C2",
        "Gaussian optimum in R^d",
        "B = R^d, beta >= beta0, Align(sigma) = eta2 => N(0, (2 lam)^{-1} I_d) is optimal.",
        "Corollary 2",
        code=("theory.regularized.kl_polar_vmf_chi", "theory.regularized.reduced_objective_vmf"),
        check="claims.checks.regularized:check_C2",
    ),
    Claim(
        "MP",
        "Maxwell-Poincare / Diaconis-Freedman",
        "sqrt(d)(U_1..U_k) => N(0, I_k) for U ~ sigma, and d_TV <= 2(k+3)/(d-k-3) for 1 <= k <= d-4.",
        "Lemma 3, Theorem 2",
        code=(
            "theory.sphere.projection_tv",
            "theory.sphere.projection_kl",
            "theory.sphere.projection_hellinger",
            "theory.sphere.diaconis_freedman_bound",
            "theory.sphere.mc_projection_tv",
            "theory.symbolic.moment_expr",
        ),
        check="claims.checks.sphere:check_MP",
    ),
    Claim(
        "R-d",
        "Rate in d",
        "A fixed-k projection of the uniform law is O(1/d) from the Gaussian.",
        "Sec. 6",
        code=(
            "theory.sphere.tv_constant",
            "theory.symbolic.ratio_expansion",
            "theory.symbolic.tv_constant_expr",
            "simulate.rates.rd_point",
            "theory.sphere.mc_projection_tv",
            "train.tables.grid",
        ),
        check="claims.checks.sphere:check_R_d",
        reads=("rates", "grid"),
    ),
    Claim(
        "R-N",
        "Rate in N",
        "The empirical minimiser approaches the population one at rate O(N^{-1/2}).",
        "Sec. 6",
        code=(
            "simulate.rates.rates_study",
            "simulate.rates.rn_point",
            "simulate.rates.fit_power_law",
            "simulate.rates.minimize_phi_particles",
            "simulate.rates.sw_floor",
            "simulate.observables.mmd_uniform",
            "simulate.observables.sliced_w2_uniform",
            "simulate.energies.phi_and_grad",
            "theory.infonce.population_loss_vmf_coupling",
            "theory.infonce.infonce_bias_first_order",
            "train.tables.grid",
        ),
        check="claims.checks.rates:check_R_N",
        reads=("rates", "grid"),
    ),
    Claim(
        "D",
        "Stationary points of the surrogate",
        "J_q(mu) = Phi(mu) - q ||m(mu)||^2, q = alpha (1 - eta2), has stationary points near uniform "
        "or near a von Mises-Fisher tilt.",
        "App. D (heuristic)",
        code=(
            "theory.regularized.surrogate_vmf",
            "theory.regularized.qc_local",
            "theory.regularized.qc_symbolic",
            "theory.regularized.surrogate_threshold",
            "theory.zonal.threshold",
            "theory.zonal.ZonalMeasure.first_variation",
            "theory.studies.zonal_map.zonal_map",
            "simulate.experiments.beyond_zonal",
        ),
        check="claims.checks.zonal:check_D",
        reads=("beyond-vmf", "zonal-map", "beyond-zonal"),
    ),
    Claim(
        "DIAG",
        "Per-coordinate diagnostics",
        "Per-coordinate AD (< 0.752) and D'Agostino-Pearson (p > 0.05) pass rates near 100% indicate "
        "Gaussian embeddings (Tables 1-2 report 100% for Laplace and GMM).",
        "Sec. 5",
        code=("theory.gaussianity.diagnose", "theory.gaussianity.anderson_darling"),
        check="claims.checks.diagnostics:check_DIAG",
    ),
    _table(
        "Tab1-Laplace",
        "Table 1: Laplace, linear",
        "CV 0.08, AD 0.38 (100%), DP 0.49 (100%).",
        "Table 1",
        check="claims.checks.tables:check_Tab1_Laplace",
        code=_TAB1_CODE,
    ),
    _table(
        "Tab1-GMM",
        "Table 1: GMM, linear",
        "CV 0.08, AD 0.39 (100%), DP 0.46 (100%).",
        "Table 1",
        check="claims.checks.tables:check_Tab1_GMM",
        code=_TAB1_CODE,
    ),
    _table(
        "Tab1-Bin0",
        "Table 1: Binary, epoch 0",
        "CV 0.36, AD 1.64 (30%), DP 0.02 (15%).",
        "Table 1",
        check="claims.checks.tables:check_Tab1_Bin0",
        code=_TAB1_CODE,
        reads=("table1", "binary-study"),
    ),
    _table(
        "Tab1-Bin50",
        "Table 1: Binary, epoch 50",
        "CV 0.12, AD 0.41 (93%), DP 0.44 (89%).",
        "Table 1",
        check="claims.checks.tables:check_Tab1_Bin50",
        code=_TAB1_CODE,
        reads=("table1", "binary-study"),
    ),
    _table(
        "Tab1-Bin100",
        "Table 1: Binary, epoch 100",
        "CV 0.09, AD 0.42 (97%), DP 0.46 (98%).",
        "Table 1",
        check="claims.checks.tables:check_Tab1_Bin100",
        code=_TAB1_CODE,
        reads=("table1", "binary-study"),
    ),
    _table(
        "Tab1-Bin-ceiling",
        "Table 1: Binary, what a linear encoder can reach",
        "A linear encoder of i.i.d. Bernoulli(p) inputs in {0,1}^1024, p fixed by the epoch-0 CV of 0.36, "
        "evaluated on n = 2000 samples, can reach the epoch-100 numbers: AD 0.42 (97%), DP 0.46 (98%).",
        "Table 1, App. E.1 (implicit)",
        check="claims.checks.encoders:check_Tab1_Bin_ceiling",
        code=(
            "theory.encoders.kurtosis_floor",
            "theory.encoders.cumulant_floor",
            "theory.encoders.binary_coordinate_cumulants",
            "theory.encoders.binary_lattice_law",
            "theory.encoders.pass_rate_ceiling",
            "theory.encoders.dp_pass_asymptotic",
            "theory.encoders.binary_norm_cv",
            "theory.encoders.calibrate_sparsity",
            "theory.encoders.cv_floor",
            "theory.encoders.simulate_linear_encoder",
        ),
    ),
    _table(
        "Tab1-Bin-study",
        "Table 1: Binary, every choice the paper leaves open",
        "Binary, epoch 100 (sparsity, init, bias, tau, batch and lr not stated): CV 0.09, AD 0.42 (97%), "
        "DP 0.46 (98%).",
        "Table 1, App. E.1",
        check="claims.checks.binary_study:check_Tab1_Bin_study",
        reads=("binary-study",),
        code=(
            "train.tables.binary_study",
            "train.tables.binary_study_config",
            "theory.encoders.binary_rows_cumulants",
            "theory.encoders.pass_rate_ceiling",
        ),
    ),
    _table(
        "Tab1-CIFAR-sup",
        "Table 1: CIFAR-10 ResNet-18 supervised",
        "CV 0.50, AD 3.30 (6.2%), DP 0.041 (3.9%).",
        "Table 1",
        check="claims.checks.tables:check_Tab1_CIFAR_sup",
        code=(*_TAB1_CODE, "train.data.images.load_cifar10", "train.models.ResNet18"),
    ),
    _table(
        "Tab1-CIFAR-con",
        "Table 1: CIFAR-10 ResNet-18 contrastive",
        "CV 0.09, AD 0.43 (96.1%), DP 0.39 (94.5%).",
        "Table 1",
        check="claims.checks.tables:check_Tab1_CIFAR_con",
        code=(*_TAB1_CODE, "train.data.images.load_cifar10", "train.models.ResNet18"),
    ),
    _table(
        "Tab2-pretrained",
        "Table 2: pretrained encoders on MS-COCO",
        "ResNet-34 sup. AD 10.01 (0%); DenseNet AD 2.98 (42%); DINO ViT-B/32 AD 0.44 (97%); "
        "CLIP image AD 0.47 (96.8%); CLIP text AD 0.53 (94.0%).",
        "Table 2",
        check="claims.checks.table2:check_Tab2_pretrained",
        reads=("table2",),
        code=(
            "train.table2.run_table2",
            "train.data.text.pretrained_encoder",
            "train.data.text.random_encoder",
            "theory.gaussianity.diagnose",
        ),
    ),
)


def get_claim(claim_id: str) -> Claim:
    """Return the claim with this ID (``KeyError`` naming the known IDs otherwise)."""
    for c in CLAIMS:
        if c.id == claim_id:
            return c
    raise KeyError(f"unknown claim {claim_id!r}; known: {', '.join(c.id for c in CLAIMS)}")


def run_check(claim: Claim) -> ClaimResult:
    """Run the claim's quick check (timed); a claim without one is *not yet encoded*."""
    fn = claim.check_function()
    if fn is None:
        return ClaimResult("-", "-", Verdict.NOT_ENCODED, scope=Scope.NONE, note="no quick check yet")
    from claims.checks._published import declared_reads

    t0 = time.perf_counter()
    with declared_reads(claim.id, claim.reads):
        res = fn()
    if not isinstance(res, ClaimResult):
        raise TypeError(f"check {claim.check} returned {type(res).__name__}, not ClaimResult")
    res.seconds = time.perf_counter() - t0
    return res
