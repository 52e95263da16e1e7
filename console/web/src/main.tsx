import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './App';
import { ApiProvider, createConsoleApi } from './api';
import { I18nProvider } from './i18n';
import { SessionProvider } from './session/session-context';
import './styles/base.css';
import './styles/data.css';
import './styles/manage.css';
import './styles/reports.css';
import './styles/fleet.css';
import './styles/agents-table.css';
import './styles/search-triage.css';
import './styles/policy-form.css';
import './styles/impact-preview.css';

// zod compiles parsers with `new Function` unless told not to; jitless keeps the UI working under a
// Content-Security-Policy without 'unsafe-eval'.
z.config({ jitless: true });

const container = document.getElementById('root');
if (!container) throw new Error('index.html must contain <div id="root">');

createRoot(container).render(
  <StrictMode>
    <I18nProvider>
      <ApiProvider api={createConsoleApi()}>
        <SessionProvider>
          <App />
        </SessionProvider>
      </ApiProvider>
    </I18nProvider>
  </StrictMode>,
);
