using System.Runtime.ExceptionServices;

namespace Kgssl.Data;

/// <summary>Parallel loops over files whose first error surfaces as itself (file, line, message), not
/// wrapped.</summary>
public static class Parallelism
{
    public static void For(int count, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, body);
        }
        catch (AggregateException e)
        {
            // the lowest-numbered failure is reported, so the message does not depend on thread timing
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }
}
