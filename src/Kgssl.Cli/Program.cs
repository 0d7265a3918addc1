using System.CommandLine;
using Kgssl.Cli;

return CliApp.Run(args);
