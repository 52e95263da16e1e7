// Must stay the first import: see the file.
import './zod-without-eval';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { employeeLocale } from '@dlp/shared';
import { textsFor } from './text/texts';
import { TrayWindow } from './TrayWindow/TrayWindow';
import './styles/tray.css';

/** Entry of the tray's main window (index.html). */
const container = document.getElementById('root');
if (container) {
  const api = window.dlpTray;
  createRoot(container).render(
    <StrictMode>
      {api ? <TrayWindow api={api} /> : <p role="alert">{textsFor(employeeLocale(navigator.language)).page.bridgeMissing}</p>}
    </StrictMode>,
  );
}
