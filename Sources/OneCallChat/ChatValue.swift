/// A scalar value of a reading: a number, or a word (strings and Booleans).
enum ChatValue: Sendable, Hashable {
    case number(Double)
    case word(String)
}
