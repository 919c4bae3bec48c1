using SharpFuzz;

namespace Dns.Fuzz;

/// <summary>
/// Fuzzing entry point (never run in CI): <c>Dns.Fuzz message|corefile afl|libfuzzer</c>; see docs/fuzzing.md.
/// <c>Dns.Fuzz message replay FILE...</c> runs inputs once (to reproduce a finding).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: Dns.Fuzz message|corefile afl|libfuzzer|replay [FILE...]");
            return 2;
        }
        ReadOnlySpanAction target = args[0] switch
        {
            "message" => FuzzTargets.Message,
            "corefile" => FuzzTargets.Corefile,
            _ => throw new ArgumentException("unknown target " + args[0]),
        };
        switch (args[1])
        {
            case "afl":
                Fuzzer.OutOfProcess.Run(stream =>
                {
                    using var ms = new MemoryStream();
                    stream.CopyTo(ms);
                    target(ms.ToArray());
                });
                return 0;
            case "libfuzzer":
                Fuzzer.LibFuzzer.Run(target);
                return 0;
            case "replay":
                foreach (var f in args.Skip(2))
                {
                    target(File.ReadAllBytes(f));
                    Console.WriteLine("ok " + f);
                }
                return 0;
            default:
                Console.Error.WriteLine("unknown engine " + args[1]);
                return 2;
        }
    }
}
