using Kgssl.Cli;

return CliApp.Run(args, processWide: true);
