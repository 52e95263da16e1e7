import type { WatermarkLayout } from '../../src/renderer/Watermark/watermark-layout';

/**
 * Independent of the layout's lattice arithmetic: whether a point lies inside a tile, tested in
 * the tile's own turned frame. Used by the unit test and by the browser test on the same layouts.
 */
export function tileIndexAt(layout: WatermarkLayout, x: number, y: number): number {
  const angle = (layout.angleDeg * Math.PI) / 180;
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const epsilon = 1e-6;
  return layout.tiles.findIndex((tile) => {
    const [dx, dy] = [x - tile.x, y - tile.y];
    const along = dx * cos + dy * sin;
    const across = -dx * sin + dy * cos;
    return Math.abs(along) <= layout.tileWidth / 2 + epsilon && Math.abs(across) <= layout.tileHeight / 2 + epsilon;
  });
}

/** The four corner pixels (whole CSS px: the browser's hit testing rounds to them). */
export function cornersOf(width: number, height: number): [number, number][] {
  const [right, bottom] = [Math.ceil(width) - 1, Math.ceil(height) - 1];
  return [
    [0, 0],
    [right, 0],
    [right, bottom],
    [0, bottom],
  ];
}
