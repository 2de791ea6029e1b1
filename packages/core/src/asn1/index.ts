/**
 * Strict, zero-dependency DER reader used by the certificate parser and, later, by the signature,
 * CMS, CRL and OCSP parsers. Everything here throws {@link DerError}; the public parsers turn it into
 * a YizhengError with their own code.
 *
 * @module
 */
export { DerError, DerReader, MAX_DER_DEPTH, Tag, TagClass, contextTag, readTlv, walkDer } from './der';
export type { Tlv, WalkOptions } from './der';
export {
  checkBitString,
  checkInteger,
  checkNull,
  checkOid,
  checkString,
  decodeBoolean,
  decodeOid,
  decodeString,
  decodeTime,
  encodeOid,
  integerToBigInt,
  integerToHex,
  integerToNumber,
  isNegativeInteger,
  knownOid,
  isStringTag,
  latin1,
  setBits,
  toHex,
} from './decode';
export type { TimeOptions } from './decode';
export { OID, OID_NAMES, oidName } from './oids';
