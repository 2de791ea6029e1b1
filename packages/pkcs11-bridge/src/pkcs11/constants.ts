/**
 * The PKCS#11 constants this package uses (values from the OASIS PKCS#11 v2.40 header), kept here so
 * that code and tests never need the native addon just to name a constant.
 *
 * @internal
 */

export const CKF_SERIAL_SESSION = 0x04;
export const CKF_RW_SESSION = 0x02;
export const CKF_TOKEN_PRESENT = 0x01;
export const CKF_REMOVABLE_DEVICE = 0x02;
export const CKF_LOGIN_REQUIRED = 0x04;
export const CKF_USER_PIN_INITIALIZED = 0x08;
export const CKF_PROTECTED_AUTHENTICATION_PATH = 0x100;
export const CKF_TOKEN_INITIALIZED = 0x400;

export const CKU_USER = 1;

export const CKO_CERTIFICATE = 1;
export const CKO_PRIVATE_KEY = 3;
export const CKC_X_509 = 0;

export const CKA_CLASS = 0x000;
export const CKA_TOKEN = 0x001;
export const CKA_LABEL = 0x003;
export const CKA_VALUE = 0x011;
export const CKA_CERTIFICATE_TYPE = 0x080;
export const CKA_KEY_TYPE = 0x100;
export const CKA_ID = 0x102;
export const CKA_DECRYPT = 0x105;
export const CKA_SIGN = 0x108;
export const CKA_EC_PARAMS = 0x180;

export const CKK_RSA = 0x00;
export const CKK_EC = 0x03;

export const CKM_RSA_PKCS = 0x0001;
export const CKM_RSA_PKCS_OAEP = 0x0009;
export const CKM_SHA256_RSA_PKCS = 0x0040;
export const CKM_SHA_1 = 0x0220;
export const CKM_SHA256 = 0x0250;
export const CKG_MGF1_SHA1 = 0x01;
export const CKG_MGF1_SHA256 = 0x02;
export const CKZ_DATA_SPECIFIED = 0x01;
/** `pkcs11js`'s tag for a CK_RSA_PKCS_OAEP_PARAMS mechanism parameter object. */
export const CK_PARAMS_RSA_OAEP = 4;
export const CKM_ECDSA = 0x1041;
export const CKM_ECDSA_SHA256 = 0x1044;
/** Where vendor-defined mechanisms (such as most SM2 ones) start. */
export const CKM_VENDOR_DEFINED = 0x8000_0000;

export const CKR_OK = 0x00;
export const CKR_CANCEL = 0x01;
export const CKR_HOST_MEMORY = 0x02;
export const CKR_GENERAL_ERROR = 0x05;
export const CKR_FUNCTION_FAILED = 0x06;
export const CKR_ARGUMENTS_BAD = 0x07;
export const CKR_ENCRYPTED_DATA_INVALID = 0x40;
export const CKR_ENCRYPTED_DATA_LEN_RANGE = 0x41;
export const CKR_FUNCTION_NOT_SUPPORTED = 0x54;
export const CKR_DEVICE_ERROR = 0x30;
export const CKR_DEVICE_MEMORY = 0x31;
export const CKR_DEVICE_REMOVED = 0x32;
export const CKR_FUNCTION_CANCELED = 0x50;
export const CKR_KEY_HANDLE_INVALID = 0x60;
export const CKR_KEY_TYPE_INCONSISTENT = 0x63;
export const CKR_KEY_FUNCTION_NOT_PERMITTED = 0x68;
export const CKR_MECHANISM_INVALID = 0x70;
export const CKR_MECHANISM_PARAM_INVALID = 0x71;
export const CKR_OBJECT_HANDLE_INVALID = 0x82;
export const CKR_PIN_INCORRECT = 0xa0;
export const CKR_PIN_INVALID = 0xa1;
export const CKR_PIN_LEN_RANGE = 0xa2;
export const CKR_PIN_EXPIRED = 0xa3;
export const CKR_PIN_LOCKED = 0xa4;
export const CKR_SESSION_CLOSED = 0xb0;
export const CKR_SESSION_HANDLE_INVALID = 0xb3;
export const CKR_SLOT_ID_INVALID = 0x03;
export const CKR_TOKEN_NOT_PRESENT = 0xe0;
export const CKR_TOKEN_NOT_RECOGNIZED = 0xe1;
export const CKR_USER_ALREADY_LOGGED_IN = 0x100;
export const CKR_USER_NOT_LOGGED_IN = 0x101;
export const CKR_USER_PIN_NOT_INITIALIZED = 0x102;
export const CKR_PIN_TOO_WEAK = 0x1b8;
