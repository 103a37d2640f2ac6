/// OneCall's version, as `onecall --version`, the MCP server and the logs report it.
public enum OneCallVersion {
    public static let current = "0.4.0"
}
