import type { FormatOptions, Spacing } from './service/features/format';
import type { Settings } from './workspace';

const SPACINGS: readonly string[] = ['keep', 'single', 'columns'] satisfies Spacing[];

/**
 * The formatter's options from the editor's and the settings. VS Code sends the settings as
 * dotted keys (`format.spacing`); other editors may nest them (`format: { spacing }`). The
 * older `formatModernIncludes` still counts.
 */
export function formatOptions(settings: Settings, editor: { tabSize: number; insertSpaces: boolean }): FormatOptions {
  const nested = ((settings as { format?: unknown }).format ?? {}) as Record<string, unknown>;
  const get = (key: 'modernIncludes' | 'sortPermissions' | 'spacing'): unknown => settings[`format.${key}`] ?? nested[key];
  const spacing = get('spacing');
  return {
    tabSize: editor.tabSize,
    insertSpaces: editor.insertSpaces,
    modernIncludes: get('modernIncludes') === true || settings.formatModernIncludes === true,
    sortPermissions: get('sortPermissions') === true,
    spacing: typeof spacing === 'string' && SPACINGS.includes(spacing) ? (spacing as Spacing) : 'keep',
  };
}
