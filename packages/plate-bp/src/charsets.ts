/** The ten digits, the 10-class task. */
export const DIGITS = "0123456789";

/** The 34 characters of Chinese plates after the province: digits and A–Z without I and O. */
export const PLATE_ALPHANUMERICS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
