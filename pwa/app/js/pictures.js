// The self-check's picture bank: opaque image ids (img/ice/<id>.svg) -> object, so no
// address or attribute on the screen names what a picture shows. The server holds the same
// table (server/clinical/self_check.py PICTURES) and scores the names chosen.
export const PICTURES = {
  p01: 'key', p02: 'cup', p03: 'pencil', p04: 'clock', p05: 'chair', p06: 'spoon', p07: 'house',
  p08: 'tree', p09: 'sun', p10: 'fish', p11: 'umbrella', p12: 'book', p13: 'apple', p14: 'star',
};
