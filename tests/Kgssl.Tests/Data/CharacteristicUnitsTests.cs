using Kgssl.Data;

namespace Kgssl.Tests.Data;

public class CharacteristicUnitsTests
{
    [Theory]
    [InlineData("FC", "mm")]
    [InlineData("log10(K2)", "log10(1/day)")]
    [InlineData("area_gages2", "km²")]
    [InlineData("geol_permeability", "log10(m²)")]
    [InlineData("a_column_of_my_own", "")]
    public void KnownNamesHaveTheirUnitAndALogScaleSaysSo(string name, string unit)
        => Assert.Equal(unit, CharacteristicUnits.Of(name));

    [Fact]
    public void Every27CamelsCharacteristicHasAUnit() => Assert.All(Characteristics.Camels27,
        n => Assert.NotEqual("", CharacteristicUnits.Of(n)));
}
