namespace Dns.Core.Corefile;

/// <summary>A server block: its keys and its directives in file order.</summary>
public sealed class ServerBlock
{
    /// <summary>Creates a block.</summary>
    public ServerBlock(IReadOnlyList<CorefileToken> keys, IReadOnlyList<ZoneAddress> addresses, IReadOnlyList<Directive> directives)
    {
        Keys = keys;
        Addresses = addresses;
        Directives = directives;
    }

    /// <summary>The keys as written (after environment substitution).</summary>
    public IReadOnlyList<CorefileToken> Keys { get; }

    /// <summary>The keys normalised; a CIDR key may expand to several reverse zones.</summary>
    public IReadOnlyList<ZoneAddress> Addresses { get; }

    /// <summary>The directives in file order.</summary>
    public IReadOnlyList<Directive> Directives { get; }

    /// <summary>File the block was read from.</summary>
    public string File => Keys.Count > 0 ? Keys[0].File : "Corefile";

    /// <summary>Line of the first key.</summary>
    public int Line => Keys.Count > 0 ? Keys[0].Line : 0;

    /// <summary>The distinct zones of the keys, in order (lower-case FQDNs).</summary>
    public IReadOnlyList<string> Zones
    {
        get
        {
            var list = new List<string>();
            foreach (var a in Addresses)
            {
                if (!list.Contains(a.Zone))
                {
                    list.Add(a.Zone);
                }
            }
            return list;
        }
    }

    /// <summary>True when the directive is used in this block.</summary>
    public bool Has(string directive)
    {
        foreach (var d in Directives)
        {
            if (d.Name == directive)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A dispenser over every use of <paramref name="directive"/> in this block, in file order.</summary>
    public CorefileDispenser GetDispenser(string directive)
    {
        var tokens = new List<CorefileToken>();
        foreach (var d in Directives)
        {
            if (d.Name == directive)
            {
                tokens.AddRange(d.Tokens);
            }
        }
        return new CorefileDispenser(tokens, File);
    }
}
