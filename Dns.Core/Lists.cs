namespace Dns.Core;

/// <summary>List helpers the server's assemblies use instead of LINQ (which they do not load).</summary>
public static class Lists
{
    /// <summary>A copy of <paramref name="list"/> as an array.</summary>
    public static T[] ToArray<T>(IReadOnlyList<T> list)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (list.Count == 0)
        {
            return [];
        }
        var a = new T[list.Count];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = list[i];
        }
        return a;
    }
}
