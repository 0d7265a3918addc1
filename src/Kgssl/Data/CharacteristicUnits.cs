namespace Kgssl.Data;

/// <summary>
/// Units of the characteristics this tool knows by name: the 27 of CAMELS-US (Addor et al. 2017) and the HBV
/// parameters and climate descriptors of the synthetic ensembles. A characteristic named log10(x) is in log10 of x's
/// unit. Unknown names have no unit ("").
/// </summary>
public static class CharacteristicUnits
{
    static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["p_mean"] = "mm/day", ["pet_mean"] = "mm/day", ["aridity"] = "-", ["p_seasonality"] = "-", ["frac_snow"] = "-",
        ["high_prec_freq"] = "days/year", ["high_prec_dur"] = "days", ["low_prec_freq"] = "days/year",
            ["low_prec_dur"] = "days",
        ["elev_mean"] = "m", ["slope_mean"] = "m/km", ["area_gages2"] = "km²", ["frac_forest"] = "-",
        ["lai_max"] = "-", ["lai_diff"] = "-", ["gvf_max"] = "-", ["gvf_diff"] = "-", ["soil_depth_pelletier"] = "m",
            ["soil_depth_statsgo"] = "m",
        ["soil_porosity"] = "-", ["soil_conductivity"] = "cm/h", ["max_water_content"] = "m", ["sand_frac"] = "%",
        ["silt_frac"] = "%", ["clay_frac"] = "%", ["carbonate_rocks_frac"] = "-", ["geol_permeability"] = "log10(m²)",
        ["t_mean"] = "°C", ["TT"] = "°C", ["CFMAX"] = "mm/°C/day", ["FC"] = "mm", ["LP"] = "-", ["BETA"] = "-",
        ["PERC"] = "mm/day", ["UZL"] = "mm", ["K0"] = "1/day", ["K1"] = "1/day", ["K2"] = "1/day", ["MAXBAS"] = "days",
    };

    public static string Of(string characteristic)
    {
        var (column, log10) = AttributeTable.ParseCharacteristic(characteristic);
        return Units.TryGetValue(column, out var unit) ? log10 ? $"log10({unit})" : unit : "";
    }
}
