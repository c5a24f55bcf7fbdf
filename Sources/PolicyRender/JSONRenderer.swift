import Foundation
import PolicyModel

/// The document model as JSON, with sorted keys so the output is byte-identical run to run.
public enum JSONRenderer {
    public static func render(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
