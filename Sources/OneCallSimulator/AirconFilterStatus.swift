/// The state of the air filter, derived from the runtime hours since it was last cleaned.
public enum AirconFilterStatus: String, Sendable, Hashable, CaseIterable {
    /// Fewer than 500 hours since cleaning.
    case clean = "Clean"
    /// 500 hours or more since cleaning.
    case needsCleaning = "Needs Cleaning"
    /// 1000 hours or more since cleaning.
    case replace = "Replace"
}
