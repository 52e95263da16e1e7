import { createRoot } from 'react-dom/client';
import { WatermarkPage } from './Watermark/WatermarkPage';
import './styles/watermark.css';

/** Entry of a watermark window (watermark.html): one per display, click-through, above everything. */
const container = document.getElementById('root');
const api = window.dlpWatermark;
// Without the bridge there is nothing to draw; the main process reports the watermark as not shown.
if (container && api) createRoot(container).render(<WatermarkPage api={api} />);
