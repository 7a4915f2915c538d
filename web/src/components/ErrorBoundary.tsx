// A page that throws shows what went wrong (the API's code and message when it is an API error) instead of a blank
// screen; navigating away resets it (the shell keys it by location).
import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { Component, type ReactNode } from 'react';
import { ApiError } from '../api/client';

export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    if (this.state.error === null) return this.props.children;
    return <ErrorMessage error={this.state.error} />;
  }
}

/** An error as a Fluent message bar: the API's code, then its message. */
export function ErrorMessage({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{error instanceof ApiError ? `${title} (${error.status} ${error.code})` : title}</MessageBarTitle>
        {message}
      </MessageBarBody>
    </MessageBar>
  );
}
