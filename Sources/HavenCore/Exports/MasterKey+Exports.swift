import Foundation
import OpenSSLTLS

extension MasterKey {
    /// Seals an export's data key, bound to that export (never usable as a document's key).
    func wrap(_ dataKey: [UInt8], export: UUID) throws -> [UInt8] {
        try AESGCM.seal(dataKey, key: self.key, authenticatedData: Self.context(export: export)).combined
    }

    func unwrap(_ wrapped: [UInt8], export: UUID) throws -> [UInt8] {
        try AESGCM.open(AESGCM.SealedBox(combined: wrapped), key: self.key, authenticatedData: Self.context(export: export))
    }

    static func context(export: UUID) -> [UInt8] {
        Array("haven export key".utf8) + withUnsafeBytes(of: export.uuid) { Array($0) }
    }
}
