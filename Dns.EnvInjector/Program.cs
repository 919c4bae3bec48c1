Console.Error.WriteLine("usage: Dns.EnvInjector print|exec|webhook"); return 2;
