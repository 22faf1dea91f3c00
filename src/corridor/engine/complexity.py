"""Economic complexity and relatedness over a locations × activities value matrix (cities × chain nodes).

Definitions follow Hidalgo & Hausmann and the Growth Lab's ``ecomplexity`` package, which the tests
use as an oracle; docs/relatedness.md gives the formulas and every place the two differ.
Undefined quantities (an empty city, a node present nowhere) are 0, never NaN or inf.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
Weights = tuple[float, float, float]

# Growth Lab Atlas opportunity presets; weights in the order (distance, complexity, gain).
PRESETS: Final[dict[str, Weights]] = {
    "low_hanging": (0.60, 0.15, 0.25),
    "balanced": (0.50, 0.15, 0.35),
    "long_jump": (0.45, 0.20, 0.35),
}

STRENGTH: Final = "strength"
OPPORTUNITY: Final = "opportunity"
WEAKNESS: Final = "weakness"
THREAT: Final = "threat"
POSSIBLE_ENTRANT: Final = "possible_entrant"

# Below this spread the eigenvector cannot order the locations (one city, identical cities).
_FLAT: Final = 1e-10


# --- validation -------------------------------------------------------------------------------


def _first_cell(mask: Bools) -> str:
    """'row r, column c' (or 'position i') of the first True cell."""
    where = np.argwhere(mask)[0]
    if where.size == 1:
        return f"position {where[0]}"
    return f"row {where[0]}, column {where[1]}"


def _values(x: ArrayLike, name: str = "value matrix", ndim: int = 2) -> Floats:
    """x as floats, refusing a wrong shape, NaN, infinity or a negative value with a ValueError."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} has a NaN value at {_first_cell(np.isnan(arr))}")
    if np.isinf(arr).any():
        raise ValueError(f"{name} has an infinite value at {_first_cell(np.isinf(arr))}")
    if (arr < 0).any():
        at = _first_cell(arr < 0)
        raise ValueError(f"{name} has a negative value {arr[arr < 0][0]:g} at {at}")
    return arr


def _presence_matrix(m: ArrayLike) -> Ints:
    """m as a 0/1 integer matrix, refusing anything else."""
    arr = np.asarray(m)
    if arr.ndim != 2:
        raise ValueError(f"presence matrix must have 2 dimensions, got shape {arr.shape}")
    if not np.isin(arr, (0, 1)).all():
        raise ValueError(
            f"presence matrix must hold only 0 and 1 (see {_first_cell(~np.isin(arr, (0, 1)))})"
        )
    return arr.astype(np.int64)


def _ratio(num: Floats, den: Floats) -> Floats:
    """num / den, 0 where den is 0."""
    out = np.zeros(np.broadcast_shapes(num.shape, den.shape))
    np.divide(num, den, out=out, where=np.broadcast_to(den != 0, out.shape))
    return out


def _zscore(values: Floats, mask: Bools) -> Floats:
    """Population z-scores of values over mask; 0 inside mask when flat, NaN outside it."""
    out = np.full(values.shape, np.nan)
    picked = values[mask]
    spread = picked.std() if picked.size else 0.0
    out[mask] = (picked - picked.mean()) / spread if spread > _FLAT else 0.0
    return out


# --- the matrices -----------------------------------------------------------------------------


def rca(x: ArrayLike) -> Floats:
    """Balassa RCA (location quotient) per cell; 0 in empty rows and columns."""
    arr = _values(x)
    # Same operation order as ecomplexity, so M agrees with it even where RCA is exactly 1.
    row_share = _ratio(arr, arr.sum(axis=1)[:, np.newaxis])
    national_share = _ratio(arr.sum(axis=0), np.asarray(arr.sum()))
    return _ratio(row_share, national_share[np.newaxis, :])


def presence(rca_values: ArrayLike, threshold: float = 1.0) -> Ints:
    """M: 1 where RCA ≥ threshold, else 0."""
    if not np.isfinite(threshold) or threshold <= 0:
        raise ValueError(f"presence threshold must be a positive number, got {threshold}")
    return (_values(rca_values, "RCA matrix") >= threshold).astype(np.int64)


def diversity(m: ArrayLike) -> Ints:
    """k_c: activities present in each location."""
    return _presence_matrix(m).sum(axis=1)


def ubiquity(m: ArrayLike) -> Ints:
    """k_p: locations where each activity is present."""
    return _presence_matrix(m).sum(axis=0)


def proximity(m: ArrayLike) -> Floats:
    """φ_pp' = C_pp' / max(k_p, k_p') with C = MᵀM; diagonal 1, 0 where undefined."""
    mat = _presence_matrix(m)
    k = mat.sum(axis=0).astype(np.float64)
    phi = _ratio((mat.T @ mat).astype(np.float64), np.maximum.outer(k, k))
    np.fill_diagonal(phi, 1.0)
    return phi


def density(m: ArrayLike, phi: ArrayLike) -> Floats:
    """density_cp = Σ_p' M_cp' φ_pp' / Σ_p' φ_pp' (one row or a matrix of rows)."""
    mat = np.asarray(m, dtype=np.float64)
    prox = np.asarray(phi, dtype=np.float64)
    return _ratio(mat @ prox.T, prox.sum(axis=1))


def opportunity_gain(m: ArrayLike, phi: ArrayLike, pci: ArrayLike) -> Floats:
    """COG_cp = (1 − M_cp) Σ_p' (1 − M_cp') φ_p'p PCI_p' / Σ_k φ_p'k (one row or a matrix)."""
    absent = 1.0 - np.asarray(m, dtype=np.float64)
    prox = np.asarray(phi, dtype=np.float64)
    weight = _ratio(np.asarray(pci, dtype=np.float64), prox.sum(axis=1))
    return absent * ((absent * weight) @ prox)


# --- complexity -------------------------------------------------------------------------------


def _second_eigenvector(m: Floats, kc: Floats, kp: Floats) -> Floats | None:
    """Right eigenvector of M̃ = (M/k_p)ᵀ(M/k_c) for its 2nd-largest eigenvalue, via a symmetric twin."""
    if m.shape[0] < 2 or m.shape[1] < 2:
        return None
    # M̃ = D_p⁻¹A with A = MᵀD_c⁻¹M symmetric; S = D_p^-½ A D_p^-½ has M̃'s eigenvalues.
    root = np.sqrt(kp)
    sym = (m.T @ (m / kc[:, np.newaxis])) / np.outer(root, root)
    _, vectors = np.linalg.eigh(sym)
    vector = vectors[:, -2] / root
    # Orthogonal to the constant vector in the k_p-weighted sense; explicit because when the
    # city–node graph is disconnected eigenvalue 1 repeats and eigh may return any mix.
    vector = vector - (kp @ vector) / kp.sum()
    norm = np.linalg.norm(vector)
    return vector / norm if norm > _FLAT else None


def _orientation(eci: Floats, pci: Floats, kc: Floats, kp: Floats) -> float:
    """+1 or −1 so that diversity correlates positively with ECI (ubiquity negatively with PCI if tied)."""
    for values, against in ((eci, kc), (pci, -kp)):
        if values.std() > _FLAT and against.std() > 0:
            corr = float(np.corrcoef(values, against)[0, 1])
            if abs(corr) > 1e-9:
                return float(np.sign(corr))
    first = eci[np.abs(eci) > _FLAT]
    return float(np.sign(first[0])) if first.size else 1.0


def _complexity_scale(m: Ints) -> tuple[Floats, Floats]:
    """(ECI before centring, PCI in ECI-std units with zero ubiquity-weighted mean); 0 where undefined."""
    kc, kp = m.sum(axis=1), m.sum(axis=0)
    rows, cols = kc > 0, kp > 0
    eci, pci = np.zeros(m.shape[0]), np.zeros(m.shape[1])
    sub = m[rows][:, cols].astype(np.float64)
    vector = _second_eigenvector(sub, kc[rows].astype(np.float64), kp[cols].astype(np.float64))
    if vector is None:
        return eci, pci
    raw_eci = (sub @ vector) / kc[rows]
    if raw_eci.std() <= _FLAT:
        return eci, pci
    scale = _orientation(raw_eci, vector, kc[rows], kp[cols]) / raw_eci.std()
    eci[rows], pci[cols] = raw_eci * scale, vector * scale
    return eci, pci


def _standardised(m: Ints, eci_raw: Floats, pci_raw: Floats) -> tuple[Floats, Floats]:
    """ECI and PCI as z-scores over the locations and activities that take part."""
    eci = np.nan_to_num(_zscore(eci_raw, m.sum(axis=1) > 0))
    pci = np.nan_to_num(_zscore(pci_raw, m.sum(axis=0) > 0))
    return eci, pci


def complexity(m: ArrayLike) -> tuple[Floats, Floats]:
    """(ECI, PCI) as z-scores; 0 for zero-diversity locations and zero-ubiquity activities."""
    mat = _presence_matrix(m)
    return _standardised(mat, *_complexity_scale(mat))


def gain_pci(m: ArrayLike) -> Floats:
    """PCI on the scale ecomplexity's COG uses: ECI-std units, zero ubiquity-weighted mean."""
    return _complexity_scale(_presence_matrix(m))[1]


# --- bundles ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Relatedness:
    """Every relatedness measure of one value matrix (locations × activities)."""

    threshold: float
    rca: Floats
    m: Ints
    diversity: Ints
    ubiquity: Ints
    proximity: Floats
    density: Floats
    eci: Floats
    pci: Floats
    pci_gain: Floats  # the PCI scale COG is computed with (see gain_pci)
    cog: Floats


def relatedness(x: ArrayLike, threshold: float = 1.0) -> Relatedness:
    """RCA, M, diversity, ubiquity, φ, density, ECI, PCI and COG of a value matrix."""
    rca_values = rca(x)
    m = presence(rca_values, threshold)
    phi = proximity(m)
    eci_raw, scale = _complexity_scale(m)
    eci, pci = _standardised(m, eci_raw, scale)
    return Relatedness(
        threshold=threshold,
        rca=rca_values,
        m=m,
        diversity=diversity(m),
        ubiquity=ubiquity(m),
        proximity=phi,
        density=density(m, phi),
        eci=eci,
        pci=pci,
        pci_gain=scale,
        cog=opportunity_gain(m, phi, scale),
    )


@dataclass(frozen=True, eq=False)
class DistrictView:
    """One district's relatedness measures, with φ and PCI taken from the national matrix."""

    national: Relatedness
    rca: Floats
    m: Ints
    density: Floats
    cog: Floats
    eci: float  # on the national ECI scale: equals the national ECI when the district is a row

    @property
    def present(self) -> Bools:
        """Activities where the district has RCA ≥ threshold."""
        return self.m.astype(bool)


def _row_rca(x_all: Floats, row: Floats) -> Floats:
    """RCA of one row against the national column totals (which already contain the row's values)."""
    if row.shape != (x_all.shape[1],):
        raise ValueError(f"district row has {row.size} activities, the matrix has {x_all.shape[1]}")
    national_share = _ratio(x_all.sum(axis=0), np.asarray(x_all.sum()))
    return _ratio(_ratio(row, np.asarray(row.sum())), national_share)


def district_view(
    x_all: ArrayLike, x_district_row: ArrayLike, threshold: float = 1.0
) -> DistrictView:
    """Apply the national φ and PCI to one district row (a row of x_all or part of one)."""
    national = relatedness(x_all, threshold)
    row_rca = _row_rca(_values(x_all), _values(x_district_row, "district row", ndim=1))
    m = presence(row_rca[np.newaxis, :], threshold)[0]
    return DistrictView(
        national=national,
        rca=row_rca,
        m=m,
        density=density(m, national.proximity),
        cog=opportunity_gain(m, national.proximity, national.pci_gain),
        eci=_district_eci(national, m),
    )


def _district_eci(national: Relatedness, m: Ints) -> float:
    """Mean gain-scale PCI of the district's activities, centred like the national ECI."""
    kc = national.diversity
    if m.sum() == 0 or not (kc > 0).any():
        return 0.0
    raw = _ratio((national.m @ national.pci_gain).astype(np.float64), kc.astype(np.float64))
    return float(national.pci_gain[m > 0].mean() - raw[kc > 0].mean())


# --- presentation -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class OpportunityScores:
    """Atlas opportunity score per activity with every part; NaN where the place already has it."""

    weights: Weights
    candidate: Bools  # activities the place lacks (RCA < 1): the only ones scored
    distance: Floats
    pci: Floats
    cog: Floats
    z_distance: Floats
    z_pci: Floats
    z_cog: Floats
    from_distance: Floats  # −w_d·z(distance)
    from_complexity: Floats  # w_p·z(PCI)
    from_gain: Floats  # w_g·z(COG)
    score: Floats


def _weights(weights: Weights | str) -> Weights:
    """A preset's weights, or three finite weights as given."""
    if isinstance(weights, str):
        if weights not in PRESETS:
            raise ValueError(f"unknown preset {weights!r}; choose one of {', '.join(PRESETS)}")
        return PRESETS[weights]
    values = tuple(float(w) for w in weights)
    if len(values) != 3 or not all(np.isfinite(values)):
        raise ValueError(
            f"weights must be three finite numbers (distance, complexity, gain), got {weights}"
        )
    return values[0], values[1], values[2]


def opportunity_scores(
    density_row: ArrayLike,
    pci: ArrayLike,
    cog_row: ArrayLike,
    present_mask: ArrayLike,
    weights: Weights | str = "balanced",
) -> OpportunityScores:
    """score = w_d·(−z distance) + w_p·z PCI + w_g·z COG, z taken over the activities the place lacks."""
    w_d, w_p, w_g = _weights(weights)
    distance = 1.0 - np.asarray(density_row, dtype=np.float64)
    pci_v, cog_v = np.asarray(pci, dtype=np.float64), np.asarray(cog_row, dtype=np.float64)
    candidate = ~np.asarray(present_mask, dtype=bool)
    if not distance.shape == pci_v.shape == cog_v.shape == candidate.shape:
        raise ValueError("density, PCI, COG and presence must have one value per activity")
    z_d, z_p, z_g = (_zscore(v, candidate) for v in (distance, pci_v, cog_v))
    parts = {"from_distance": -w_d * z_d, "from_complexity": w_p * z_p, "from_gain": w_g * z_g}
    return OpportunityScores(
        weights=(w_d, w_p, w_g),
        candidate=candidate,
        distance=distance,
        pci=pci_v,
        cog=cog_v,
        z_distance=z_d,
        z_pci=z_p,
        z_cog=z_g,
        score=parts["from_distance"] + parts["from_complexity"] + parts["from_gain"],
        **parts,
    )


@dataclass(frozen=True, eq=False)
class SwotQuadrants:
    """Metroverse-style classification per activity: x = presence (RCA), y = fit relative to peers."""

    presence: Floats
    fit: Floats  # density minus the peer group's mean density
    fit_above: Bools  # fit ≥ 0
    label: NDArray[np.str_]  # strength / opportunity / weakness / threat / possible_entrant


def swot_quadrants(
    presence_rca: ArrayLike, fit_density: ArrayLike, peer_density: ArrayLike
) -> SwotQuadrants:
    """Strength, Opportunity, Weakness, Threat (or possible entrant where presence is 0) per activity."""
    x = _values(presence_rca, "presence (RCA)", ndim=1)
    own = _values(fit_density, "density", ndim=1)
    peers = np.asarray(peer_density, dtype=np.float64)
    peer_mean = peers.mean(axis=0) if peers.ndim == 2 else peers
    if peer_mean.shape != x.shape or own.shape != x.shape:
        raise ValueError("presence, density and peer density must have one value per activity")
    fit = own - peer_mean
    above, strong = fit >= 0, x >= 1
    label = np.where(
        strong, np.where(above, STRENGTH, THREAT), np.where(above, OPPORTUNITY, WEAKNESS)
    )
    label = np.where(x == 0, POSSIBLE_ENTRANT, label)
    return SwotQuadrants(presence=x, fit=fit, fit_above=above, label=label)
