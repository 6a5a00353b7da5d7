// Geometry of the rendered plate, in millimetres: the 440 × 140 mm Chinese blue plate with
// characters 45 × 90 mm, 12 mm apart, and a 34 mm gap holding the separator dot after the second
// character. Shared by the flat renderer (renderPlate) and the camera view.

/** Plate width in mm. */
export const PLATE_W = 440;
/** Plate height in mm. */
export const PLATE_H = 140;
/** Character cell width in mm. */
export const CHAR_W = 45;
/** Character cell (ink) height in mm. */
export const CHAR_H = 90;
/** Glyphs wider than the 45 mm cell are scaled down, so characters never touch. */
export const MAX_INK_W = 45;
/** Left edge (mm) of each of the 7 character cells. */
export const CHAR_X: readonly number[] = [15.5, 72.5, 151.5, 208.5, 265.5, 322.5, 379.5];
/** Top edge (mm) of the character cells: the 90 mm characters are centred vertically. */
export const CHAR_Y = (PLATE_H - CHAR_H) / 2;
/** The white frame: outer edge 2 mm and inner edge 5.5 mm inside the plate's edge. */
export const FRAME_OUTER = 2;
export const FRAME_INNER = 5.5;
/** The separator dot: centre x (mm) and radius (mm); its centre y is the plate's middle. */
export const DOT_X = 134.5;
export const DOT_R = 5;
