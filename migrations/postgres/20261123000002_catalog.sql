-- The partner catalog and data categories, from the 2018 reports (see DESIGN.md).
INSERT INTO categories (slug, name, position) VALUES
    ('messages', 'Messages', 1),
    ('friends', 'Friends', 2),
    ('contacts', 'Contacts', 3),
    ('profile', 'Profile', 4),
    ('posts', 'Posts', 5),
    ('calendar', 'Calendar', 6);

INSERT INTO partners (slug, name, description) VALUES
    ('spotify', 'Spotify', 'Music streaming. Reported to read, write and delete private messages.'),
    ('netflix', 'Netflix', 'Video streaming. Reported to read private messages.'),
    ('rbc', 'Royal Bank of Canada', 'Bank. Reported to read private messages.'),
    ('bing', 'Microsoft Bing', 'Search engine. Reported to see the names of all friends.'),
    ('amazon', 'Amazon', 'Retailer. Reported to get names and contact details through friends lists.'),
    ('yandex', 'Yandex', 'Search engine. Reported to get user IDs until 2017.'),
    ('apple', 'Apple', 'Device maker. Reported to see friends'' contacts and calendar entries.'),
    ('yahoo', 'Yahoo', 'Web portal. Reported to see friends'' posts.'),
    ('nytimes', 'The New York Times', 'Newspaper. Reported to see friends lists.');
