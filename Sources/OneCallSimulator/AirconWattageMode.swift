/// Whether the unit draws normal or abnormally high power: the label column of the training data,
/// never part of a reading.
public enum AirconWattageMode: String, Sendable, Hashable, CaseIterable {
    /// The compressor draws the unit's rated power (840, 880 or 920 W).
    case normal
    /// The compressor runs without cycling, draws 1250–1800 W and delivers 40 % of its cooling.
    case abnormal
}
