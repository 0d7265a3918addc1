namespace Kgssl.Data;

/// <summary>Named characteristic sets.</summary>
public static class Characteristics
{
    /// <summary>The 27 static attributes of Kratzert et al. 2019 (EA-LSTM), used by KGSSL.</summary>
    public static readonly IReadOnlyList<string> Camels27 =
    [
        "p_mean", "pet_mean", "aridity", "p_seasonality", "frac_snow", "high_prec_freq", "high_prec_dur",
        "low_prec_freq", "low_prec_dur", "elev_mean", "slope_mean", "area_gages2", "frac_forest", "lai_max",
        "lai_diff", "gvf_max", "gvf_diff", "soil_depth_pelletier", "soil_depth_statsgo", "soil_porosity",
        "soil_conductivity", "max_water_content", "sand_frac", "silt_frac", "clay_frac", "carbonate_rocks_frac",
        "geol_permeability",
    ];
}
