//! Embeds: link previews (website, image, video), text embeds and special media.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::{File, UnknownVariant};
use crate::id::FileId;

string_enum! {
    /// How an image embed is displayed.
    pub enum ImageSize {
        /// Shown large.
        Large = "Large",
        /// Shown as a small preview.
        Preview = "Preview",
    }
}

/// An image in an embed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmbedImage {
    /// Image URL.
    pub url: CompactString,
    /// Width in pixels.
    pub width: u64,
    /// Height in pixels.
    pub height: u64,
    /// Display size.
    pub size: ImageSize,
}

/// A video in an embed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmbedVideo {
    /// Video URL.
    pub url: CompactString,
    /// Width in pixels.
    pub width: u64,
    /// Height in pixels.
    pub height: u64,
}

/// A website link preview.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebsiteEmbed {
    /// The page URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<CompactString>,
    /// The URL as written in the message, before redirects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_url: Option<CompactString>,
    /// Recognised special content (YouTube, Spotify, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special: Option<Special>,
    /// Page title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<CompactString>,
    /// Page description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<CompactString>,
    /// Preview image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<EmbedImage>,
    /// Preview video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<EmbedVideo>,
    /// Site name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_name: Option<CompactString>,
    /// Site icon URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<CompactString>,
    /// Accent colour (CSS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<CompactString>,
}

/// A text embed (sent by bots and webhooks).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TextEmbed {
    /// Icon URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<CompactString>,
    /// Link URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<CompactString>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<CompactString>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<CompactString>,
    /// Attached media.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<File>,
    /// Accent colour (CSS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<CompactString>,
}

tagged_enum! {
    /// An embed, tagged by `type`.
    #[derive(Clone, Debug, PartialEq)]
    #[non_exhaustive]
    pub enum Embed (tag = "type", twin = EmbedByTag, remote = "Embed") {
        /// A website preview.
        Website(WebsiteEmbed),
        /// An image link.
        Image(EmbedImage),
        /// A video link.
        Video(EmbedVideo),
        /// A text embed.
        Text(TextEmbed),
        /// Nothing to show.
        None,
    }
    /// An embed type this version of the library does not know, kept verbatim.
    Unknown(UnknownVariant);
    known = ["Website", "Image", "Video", "Text", "None"];
}

string_enum! {
    /// Kind of Lightspeed.tv content.
    pub enum LightspeedType {
        /// A channel.
        Channel = "Channel",
    }
}

string_enum! {
    /// Kind of Twitch content.
    pub enum TwitchType {
        /// A channel.
        Channel = "Channel",
        /// A video.
        Video = "Video",
        /// A clip.
        Clip = "Clip",
    }
}

string_enum! {
    /// Kind of Bandcamp content.
    pub enum BandcampType {
        /// An album.
        Album = "Album",
        /// A track.
        Track = "Track",
    }
}

tagged_enum! {
    /// Special content recognised in a website embed, tagged by `type`.
    #[derive(Clone, Debug, PartialEq)]
    #[non_exhaustive]
    pub enum Special (tag = "type", twin = SpecialByTag, remote = "Special") {
        /// Nothing special.
        None,
        /// A GIF.
        #[serde(rename = "GIF")]
        Gif,
        /// A YouTube video.
        YouTube {
            /// Video id.
            id: CompactString,
            /// Channel name (`null` if unknown).
            #[serde(default)]
            creator_name: Option<CompactString>,
            /// Channel URL (`null` if unknown).
            #[serde(default)]
            creator_url: Option<CompactString>,
            /// Start timestamp.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            timestamp: Option<CompactString>,
        },
        /// Lightspeed.tv content.
        Lightspeed {
            /// Kind of content.
            content_type: LightspeedType,
            /// Content id.
            id: CompactString,
        },
        /// Twitch content.
        Twitch {
            /// Kind of content.
            content_type: TwitchType,
            /// Content id.
            id: CompactString,
        },
        /// Spotify content.
        Spotify {
            /// Kind of content (`track`, `album`, ...).
            content_type: CompactString,
            /// Content id.
            id: CompactString,
        },
        /// A Soundcloud track.
        Soundcloud,
        /// Bandcamp content.
        Bandcamp {
            /// Kind of content.
            content_type: BandcampType,
            /// Content id.
            id: CompactString,
        },
        /// Apple Music content.
        AppleMusic {
            /// Album id.
            album_id: CompactString,
            /// Track id.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            track_id: Option<CompactString>,
        },
        /// A Streamable video.
        Streamable {
            /// Video id.
            id: CompactString,
        },
        /// A post on X (revolt-models 0.16.2).
        XApp(Box<XAppPost>),
    }
    /// A kind this version of the library does not know, kept verbatim.
    Unknown(UnknownVariant);
    known = ["None", "GIF", "YouTube", "Lightspeed", "Twitch", "Spotify", "Soundcloud", "Bandcamp", "AppleMusic", "Streamable", "XApp"];
}

/// A post on X, as a [`Special::XApp`] embed describes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct XAppPost {
    /// Post id.
    pub id: CompactString,
    /// Post text.
    pub text: CompactString,
    /// Author display name.
    pub author_name: CompactString,
    /// Author handle.
    pub author_handle: CompactString,
    /// Author profile URL.
    pub author_url: CompactString,
    /// Author avatar URL.
    #[serde(default)]
    pub author_avatar_url: Option<CompactString>,
    /// When the post was made (Unix time).
    pub created_timestamp: u64,
    /// Quoted post id.
    #[serde(default)]
    pub quote_id: Option<CompactString>,
    /// Quoted post text.
    #[serde(default)]
    pub quote_text: Option<CompactString>,
    /// Quoted post author handle.
    #[serde(default)]
    pub quote_author_handle: Option<CompactString>,
    /// Quoted post author name.
    #[serde(default)]
    pub quote_author_name: Option<CompactString>,
    /// Quoted post author URL.
    #[serde(default)]
    pub quote_author_url: Option<CompactString>,
    /// Reply count.
    #[serde(default)]
    pub replies: u64,
    /// Repost count.
    #[serde(default)]
    pub reposts: u64,
    /// Like count.
    #[serde(default)]
    pub likes: u64,
    /// View count.
    #[serde(default)]
    pub views: u64,
}

/// An embed a bot or webhook sends with a message (`SendableEmbed`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SendableEmbed {
    /// Icon URL (1–256 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// Link URL (1–256 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Title (1–100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description (1–2000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Uploaded media (an autumn id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<FileId>,
    /// Accent colour (CSS, 1–128 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
}

impl SendableEmbed {
    /// An empty embed; set at least one field with the builders below.
    ///
    /// ```
    /// use stoat_core::model::SendableEmbed;
    /// let embed = SendableEmbed::new().title("Build passed").colour("#3fb950");
    /// assert_eq!(embed.title.as_deref(), Some("Build passed"));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the icon URL.
    pub fn icon_url(mut self, url: impl Into<String>) -> Self {
        self.icon_url = Some(url.into());
        self
    }

    /// Sets the link URL.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Attaches uploaded media by its file id.
    pub fn media(mut self, media: FileId) -> Self {
        self.media = Some(media);
        self
    }

    /// Sets the accent colour (CSS).
    pub fn colour(mut self, colour: impl Into<String>) -> Self {
        self.colour = Some(colour.into());
        self
    }
}
