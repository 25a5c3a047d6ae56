//! ListInstance as a stream of pages, and of instances.

use crate::runtime::CallOptions;
use crate::{
    Client, Error, ErrorKind, ListInstanceData, ListInstanceFluent, ListInstanceRequest,
    ListInstanceResponse,
};
use futures_core::Stream;
use std::collections::{HashSet, VecDeque};
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// The page size the paginator asks for when the request sets none.
pub(crate) const DEFAULT_PAGE_SIZE: i32 = 20;

type PageFuture = Pin<Box<dyn Future<Output = Result<ListInstanceResponse, Error>> + Send>>;

impl ListInstanceFluent {
    /// Pages through every instance matching the request's filters, starting at its
    /// `PageIndex` (default 1) with its `PageSize` (default 20).
    ///
    /// ```no_run
    /// # async fn run(client: cams_sdk::Client) -> Result<(), cams_sdk::Error> {
    /// let mut instances = client
    ///     .list_instance()
    ///     .channel_type(cams_sdk::ChannelType::Whatsapp)
    ///     .into_paginator()
    ///     .items();
    /// while let Some(instance) = instances.next().await {
    ///     println!("{:?}", instance?.instance_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn into_paginator(self) -> ListInstancePaginator {
        ListInstancePaginator::new(self.client, self.request, self.options)
    }
}

/// A [`Stream`] of ListInstance pages.
///
/// It stops after a page that is empty or shorter than the page size, or once `TotalCount`
/// instances have been seen. A server that answers with a page of instances already seen (the
/// same page forever, say) ends the stream with an error rather than looping. A failed page
/// ends the stream after yielding its error.
#[must_use = "streams do nothing unless polled"]
pub struct ListInstancePaginator {
    client: Client,
    request: ListInstanceRequest,
    options: CallOptions,
    page_size: i32,
    next_index: Option<i32>,
    seen: HashSet<String>,
    in_flight: Option<PageFuture>,
}

impl std::fmt::Debug for ListInstancePaginator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListInstancePaginator")
            .field("request", &self.request)
            .field("next_index", &self.next_index)
            .field("seen", &self.seen.len())
            .finish_non_exhaustive()
    }
}

impl ListInstancePaginator {
    fn new(client: Client, mut request: ListInstanceRequest, options: CallOptions) -> Self {
        let page_size = *request.page_size.get_or_insert(DEFAULT_PAGE_SIZE);
        let first = request.page_index.unwrap_or(1);
        Self {
            client,
            request,
            options,
            page_size,
            next_index: Some(first),
            seen: HashSet::new(),
            in_flight: None,
        }
    }

    /// The next page, or `None` after the last one.
    pub async fn next_page(&mut self) -> Option<Result<ListInstanceResponse, Error>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The instances of every page, one by one.
    pub fn items(self) -> ListInstanceItems {
        ListInstanceItems {
            pages: self,
            buffered: VecDeque::new(),
        }
    }

    /// Decides from a page whether there is a next one.
    fn advance(&mut self, index: i32, page: &ListInstanceResponse) -> Result<(), Error> {
        self.next_index = None;
        let items = page.data.as_deref().unwrap_or_default();
        if items.is_empty() {
            return Ok(());
        }
        let mut new = 0usize;
        for item in items {
            match &item.instance_id {
                Some(id) => new += usize::from(self.seen.insert(id.clone())),
                // Without an id, an item cannot be recognised as a repeat; count it as new.
                None => new += 1,
            }
        }
        if new == 0 {
            return Err(Error::new(
                ErrorKind::Undecodable,
                format!(
                    "ListInstance page {index} repeats instances of earlier pages; \
                     stopping instead of paging forever"
                ),
            ));
        }
        let short = items.len() < usize::try_from(self.page_size).unwrap_or(usize::MAX);
        let complete = page
            .total_count
            .and_then(|total| usize::try_from(total).ok())
            .is_some_and(|total| self.seen.len() >= total);
        if !short && !complete {
            self.next_index = index.checked_add(1);
        }
        Ok(())
    }
}

impl Stream for ListInstancePaginator {
    type Item = Result<ListInstanceResponse, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.in_flight.is_none() {
            let Some(index) = this.next_index else {
                return Poll::Ready(None);
            };
            let client = this.client.clone();
            let mut request = this.request.clone();
            request.page_index = Some(index);
            let options = this.options.clone();
            this.in_flight = Some(Box::pin(
                async move { client.invoke(&request, &options).await },
            ));
        }
        let Some(future) = this.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        let result = ready!(future.as_mut().poll(cx));
        this.in_flight = None;
        let index = this.next_index.unwrap_or_default();
        Poll::Ready(Some(match result {
            Ok(page) => match this.advance(index, &page) {
                Ok(()) => Ok(page),
                Err(error) => Err(error),
            },
            Err(error) => {
                this.next_index = None;
                Err(error)
            }
        }))
    }
}

/// A [`Stream`] of the instances of every ListInstance page.
#[must_use = "streams do nothing unless polled"]
#[derive(Debug)]
pub struct ListInstanceItems {
    pages: ListInstancePaginator,
    buffered: VecDeque<ListInstanceData>,
}

impl ListInstanceItems {
    /// The next instance, or `None` after the last.
    pub async fn next(&mut self) -> Option<Result<ListInstanceData, Error>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl Stream for ListInstanceItems {
    type Item = Result<ListInstanceData, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffered.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(page)) => this.buffered.extend(page.data.unwrap_or_default()),
            }
        }
    }
}
