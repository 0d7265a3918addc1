namespace Kgssl.Config;

/// <summary>A configuration a user wrote is wrong; the message names the file, key and what was expected.</summary>
public sealed class ConfigException(string message) : Exception(message);
