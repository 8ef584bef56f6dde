/// Kabar's version: printed by `kabar --version`, and told in this node's hall reports.
public enum KabarVersion {
    /// The version string.
    public static let string = "0.1.0"
}
