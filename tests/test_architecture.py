"""The shape of the project: imports point one way, and every public import path of the first release
still resolves after ``theory`` was split by topic."""

import ast
import importlib
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# theory <- simulate <- train <- claims: a package may import only those to its left (and itself).
ALLOWED = {
    "theory": {"theory"},
    "simulate": {"theory", "simulate"},
    "train": {"theory", "simulate", "train"},
    "claims": {"theory", "simulate", "train", "claims"},
}
NEVER = {"theory": {"torch"}}


def _imported_top_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_one_way(package):
    pkg_dir = ROOT / package
    if not pkg_dir.is_dir():
        pytest.skip(f"{package}/ does not exist yet")
    ours = set(ALLOWED)
    bad = []
    for path in sorted(pkg_dir.rglob("*.py")):
        names = _imported_top_names(path)
        for name in sorted((names & ours) - ALLOWED[package]):
            bad.append(f"{path.relative_to(ROOT)} imports {name}")
        for name in sorted(names & NEVER.get(package, set())):
            bad.append(f"{path.relative_to(ROOT)} imports {name} (never allowed in {package})")
    assert not bad, "imports against the direction theory <- simulate <- train <- claims:\n" + "\n".join(bad)


def test_the_import_scan_can_fail(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("import os\nfrom claims.registry import CLAIMS\nimport torch.nn\n")
    assert _imported_top_names(f) == {"os", "claims", "torch"}


# Every name of the modules' ``__all__`` at the first release (commit 3ed2507), quick checks excluded
# (they moved to claims.checks).
PUBLIC_PATHS = [
    "theory.alignment.AlignmentEstimate",
    "theory.alignment.ExactAlignment",
    "theory.alignment.MeanSqNormEstimate",
    "theory.alignment.alignment_bound",
    "theory.alignment.alignment_exact",
    "theory.alignment.estimate_alignment",
    "theory.alignment.estimate_mean_sq_norm",
    "theory.alignment.hgr_encoder",
    "theory.alignment.max_alignment",
    "theory.gaussianity.AD_CRITICAL_5",
    "theory.gaussianity.DP_ALPHA",
    "theory.gaussianity.DagostinoPearson",
    "theory.gaussianity.Diagnosis",
    "theory.gaussianity.MultivariateNormality",
    "theory.gaussianity.NullPassRates",
    "theory.gaussianity.PassCalibration",
    "theory.gaussianity.ProjectionNormality",
    "theory.gaussianity.SlicedWasserstein",
    "theory.gaussianity.UniformityTest",
    "theory.gaussianity.ad_pvalue",
    "theory.gaussianity.anderson_darling",
    "theory.gaussianity.calibrate_passes",
    "theory.gaussianity.coefficient_of_variation",
    "theory.gaussianity.dagostino_pearson",
    "theory.gaussianity.diagnose",
    "theory.gaussianity.load_embeddings",
    "theory.gaussianity.multivariate_normality",
    "theory.gaussianity.null_pass_rates",
    "theory.gaussianity.sliced_wasserstein_gaussian",
    "theory.hgr.ACEResult",
    "theory.hgr.ACETransform",
    "theory.hgr.ChannelEta2",
    "theory.hgr.HGRResult",
    "theory.hgr.eta2_binary_pairing",
    "theory.hgr.eta2_gaussian_channel",
    "theory.hgr.eta2_gmm_pairing",
    "theory.hgr.eta2_laplace_channel",
    "theory.hgr.hgr_ace",
    "theory.hgr.hgr_density",
    "theory.hgr.hgr_discrete",
    "theory.hgr.hgr_gaussian",
    "theory.hgr.hgr_label_posterior",
    "theory.hgr.hgr_tensorize",
    "theory.hgr.markov_joint",
    "theory.regularized.Lemma1Result",
    "theory.regularized.SurrogateThreshold",
    "theory.regularized.Theorem1Result",
    "theory.regularized.align_bound",
    "theory.regularized.beta0",
    "theory.regularized.beta_threshold_local",
    "theory.regularized.beta_threshold_vmf",
    "theory.regularized.gaussian_kl",
    "theory.regularized.gaussian_polar_sample",
    "theory.regularized.kl_polar_vmf_chi",
    "theory.regularized.kl_scaled_chi",
    "theory.regularized.lemma1_constant",
    "theory.regularized.log_partition_gaussian",
    "theory.regularized.plot_route",
    "theory.regularized.qc_local",
    "theory.regularized.qc_symbolic",
    "theory.regularized.reduced_objective_vmf",
    "theory.regularized.regularised_penalty",
    "theory.regularized.route_study",
    "theory.regularized.surrogate_threshold",
    "theory.regularized.surrogate_vmf",
    "theory.regularized.theorem1_vmf",
    "theory.special.DEBYE_U",
    "theory.special.log_iv",
    "theory.special.log_iv_normalized",
    "theory.special.log_iv_scaled",
    "theory.special.log_sphere_area",
    "theory.special.log_vmf_norm",
    "theory.sphere.KSDistance",
    "theory.sphere.MCEstimate",
    "theory.sphere.ProjectionDistances",
    "theory.sphere.ShellDistance",
    "theory.sphere.chi_shell",
    "theory.sphere.crossing_radii",
    "theory.sphere.diaconis_freedman_bound",
    "theory.sphere.ks_distance",
    "theory.sphere.log_density_ratio",
    "theory.sphere.lognormal_shell",
    "theory.sphere.mc_projection_kl",
    "theory.sphere.mc_projection_tv",
    "theory.sphere.mc_shell_tv",
    "theory.sphere.plot_tv_vs_d",
    "theory.sphere.project",
    "theory.sphere.projection_cdf_1d",
    "theory.sphere.projection_distances",
    "theory.sphere.projection_hellinger",
    "theory.sphere.projection_kl",
    "theory.sphere.projection_ks",
    "theory.sphere.projection_logpdf",
    "theory.sphere.projection_pdf",
    "theory.sphere.projection_radius_law",
    "theory.sphere.projection_tv",
    "theory.sphere.sample_projection",
    "theory.sphere.sample_shell",
    "theory.sphere.sample_uniform",
    "theory.sphere.shell_projection_tv",
    "theory.sphere.shell_tv_leading",
    "theory.sphere.tv_constant",
    "theory.sphere.tv_vs_d_table",
    "theory.symbolic.RatioExpansion",
    "theory.symbolic.chi2_density",
    "theory.symbolic.hellinger_leading_expr",
    "theory.symbolic.kl_leading_expr",
    "theory.symbolic.kurtosis_expr",
    "theory.symbolic.moment_expr",
    "theory.symbolic.projected_density_expr",
    "theory.symbolic.projected_density_limit",
    "theory.symbolic.ratio_expansion",
    "theory.symbolic.shell_mixture_expansion",
    "theory.symbolic.tv_constant_closed_form",
    "theory.symbolic.tv_constant_expr",
    "theory.uniformity.DiscreteSearch",
    "theory.uniformity.InfoNCEConvergence",
    "theory.uniformity.PhiEstimate",
    "theory.uniformity.infonce_bias_first_order",
    "theory.uniformity.infonce_convergence",
    "theory.uniformity.infonce_loss",
    "theory.uniformity.kl_vmf_uniform",
    "theory.uniformity.log_inner_vmf_mixture",
    "theory.uniformity.mean_resultant_length",
    "theory.uniformity.minimise_phi_discrete",
    "theory.uniformity.phi",
    "theory.uniformity.phi_estimate",
    "theory.uniformity.phi_uniform",
    "theory.uniformity.phi_uniform_sympy_d3",
    "theory.uniformity.phi_vmf",
    "theory.uniformity.phi_vmf_mixture",
    "theory.uniformity.population_loss",
    "theory.uniformity.population_loss_vmf_coupling",
    "theory.uniformity.sample_vmf",
    "theory._io.ResultMixin",
    "theory._io.atomic_savefig",
    "theory._io.atomic_write_bytes",
    "theory._io.atomic_write_json",
    "theory._io.atomic_write_text",
    "theory._io.load_matrix",
    "theory._io.to_jsonable",
    "theory._validation.as_int",
    "theory._validation.as_matrix",
    "theory._validation.as_real",
    "theory._validation.as_rng",
    "theory._validation.as_unit_rows",
    "theory._validation.as_vector",
    "theory._validation.make_rng",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_import_path_resolves(path):
    module, _, name = path.rpartition(".")
    mod = importlib.import_module(module)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # a deprecated path still resolves, and says so
        assert hasattr(mod, name), f"{path} no longer resolves"
