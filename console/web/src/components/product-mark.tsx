/** The product's shield mark; decorative, the product name is always written next to it. */
export function ProductMark() {
  return (
    <svg className="product-mark" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <path d="M12 2 4 5v6c0 5 3.4 9.3 8 11 4.6-1.7 8-6 8-11V5l-8-3Z" fill="currentColor" opacity="0.9" />
      <path d="M8.5 12.5 11 15l4.5-5" fill="none" stroke="#0b1f3a" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
