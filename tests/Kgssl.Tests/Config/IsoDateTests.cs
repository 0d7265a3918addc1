using System.Text;
using Kgssl.Config;

namespace Kgssl.Tests.Config;

public class IsoDateTests
{
    [Theory]
    [InlineData("2000-02-29", 2000, 2, 29)]
    [InlineData(" 1989-10-01 ", 1989, 10, 1)]
    [InlineData("0001-01-01", 1, 1, 1)]
    public void ReadsAnIsoDateFromTextAndFromBytesAlike(string text, int y, int m, int d)
    {
        Assert.True(IsoDate.TryParse(text, out var fromText));
        Assert.True(IsoDate.TryParse(Encoding.UTF8.GetBytes(text), out var fromBytes));
        Assert.Equal(new DateOnly(y, m, d), fromText);
        Assert.Equal(fromText, fromBytes);
    }

    [Theory]
    [InlineData("1999-02-29")]   // not a leap year
    [InlineData("1999-13-01")]
    [InlineData("1999-1-01")]
    [InlineData("1999/01/01")]
    [InlineData("19990101")]
    [InlineData("+999-01-01")]
    [InlineData("-999-01-01")]
    [InlineData("0000-01-01")]
    [InlineData("1999-01-01T00")]
    [InlineData("")]
    [InlineData("０１９９９-01-01")]
    public void RefusesWhatIsNotAnIsoDay(string text)
    {
        Assert.False(IsoDate.TryParse(text, out _));
        Assert.False(IsoDate.TryParse(Encoding.UTF8.GetBytes(text), out _));
    }

    [Theory]
    [InlineData("1999-10-01:2008-09-30")]
    [InlineData("1999-10-01..2008-09-30")]
    public void ReadsAPeriodWithEitherSeparator(string text)
    {
        Assert.True(IsoDate.TryParsePeriod(text, out var start, out var end));
        Assert.Equal((new DateOnly(1999, 10, 1), new DateOnly(2008, 9, 30)), (start, end));
    }

    [Theory]
    [InlineData("1999-10-01")]
    [InlineData("1999-10-01:2008-09-30:2009-01-01")]
    [InlineData("1999-10-01-2008-09-30")]
    [InlineData("train")]
    public void RefusesAPeriodThatIsNotTwoDates(string text) =>
        Assert.False(IsoDate.TryParsePeriod(text, out _, out _));
}
